/** Handlers the teacher's app needs for its settings screen (registered in ../index.ts). */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ok, type Result } from '../../../domain/result';
import { parseStationSettings, type StationSettings } from '../../../domain/settings';
import { A4_STYLE } from '../../../layout/pageStyle';
import type { PrintedPage } from '../../../layout/printedPage';
import { fsyncPath } from '../../../store/fsync';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from '../../../vision/settings';
import { loadPageStyle, REPO_ROOT, type StationContext } from '../../context';
import { defineHandler, fail, type HandlerError } from '../types';
import { recoveryHandlers } from './recovery';
import { thresholdEffect, type StoredPageRead } from './thresholdPreview';

const SETTINGS_FILE = 'settings.json';
/** Settings that change who may reach the station are an admin's, through their own handler; the station id is fixed once pages are printed. */
const NOT_HERE: Record<string, string> = {
  network: 'LAN access is changed by an admin on the Settings screen (or in settings.json), not here',
  stationId: 'the station id prefixes every printed page id; change it only in settings.json, before the first print',
};
const THRESHOLD_KEYS = ['reading.bubbles.definite', 'reading.bubbles.marginal'] as const;

/** The reader's settings with this station's mark thresholds over the defaults; a threshold out of the band's order is named with its fix. */
export function visionSettingsOf(settings: Pick<StationSettings, 'reading'>): Result<VisionSettings, string> {
  const parsed = VisionSettings.safeParse({ bubbles: settings.reading.bubbles });
  if (parsed.success) return ok(parsed.data);
  const band = { ...DEFAULT_VISION_SETTINGS.bubbles, ...settings.reading.bubbles };
  const clear = `or clear it to use the default`;
  const problem =
    band.marginal > band.definite
      ? `setting "reading.bubbles.marginal": ${band.marginal} is above "reading.bubbles.definite" (${band.definite}). Fix: make marginal the lower of the two`
      : band.definite < band.lightFill
        ? `setting "reading.bubbles.definite": ${band.definite} is below the light-pencil level ${band.lightFill}, which must lie between the two thresholds. Fix: use ${band.lightFill} or more, ${clear} (${DEFAULT_VISION_SETTINGS.bubbles.definite})`
        : band.marginal > band.lightFill
          ? `setting "reading.bubbles.marginal": ${band.marginal} is above the light-pencil level ${band.lightFill}, which must lie between the two thresholds. Fix: use ${band.lightFill} or less, ${clear} (${DEFAULT_VISION_SETTINGS.bubbles.marginal})`
          : `setting "reading.bubbles": ${parsed.error.issues[0]!.message}. Fix: ${clear}s`;
  return { ok: false, error: `${problem}.` };
}

/** The page styles in templates/styles, with their paper and whether they are large print (body type larger than the standard style's). */
function pageStyles(settings: StationSettings): { name: string; paper: string; largePrint: boolean }[] {
  return readdirSync(join(REPO_ROOT, 'templates', 'styles'))
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const style = loadPageStyle(f.replace(/\.json$/, ''), settings.duplex);
      return style.ok ? [{ name: style.value.name, paper: style.value.paper.name, largePrint: style.value.bodyPt > A4_STYLE.bodyPt }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The settings as the app shows them: everything but LAN secrets, the page styles to choose from, and the reader's thresholds in force. */
export const settings = defineHandler(z.object({}), async (ctx) => {
  const vision = visionSettingsOf(ctx.settings);
  const defaults = DEFAULT_VISION_SETTINGS.bubbles;
  return ok({
    settings: ctx.settings,
    pageStyles: pageStyles(ctx.settings),
    markThresholds: {
      definite: vision.ok ? vision.value.bubbles.definite : defaults.definite,
      marginal: vision.ok ? vision.value.bubbles.marginal : defaults.marginal,
      defaults: { definite: defaults.definite, marginal: defaults.marginal },
    },
  });
});

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The settings file as written (only what was set), so a change keeps every other default a default. */
function readRawSettings(ctx: StationContext): Result<Json, HandlerError> {
  const path = join(ctx.dataDir, SETTINGS_FILE);
  if (!existsSync(path)) return ok({});
  try {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isObject(json)) return ok(json);
  } catch {
    // reported below
  }
  return { ok: false, error: { code: 'bad_settings_file', message: `${path} is not a JSON object. Fix the file (or delete it to use the defaults), then try again.` } };
}

/** Sets (or with null, removes) one dotted key in a copy of the raw settings. */
function withChange(raw: Json, key: string, value: unknown): Result<Json, string> {
  const steps = key.split('.');
  const top: Json = structuredClone(raw);
  let here = top;
  for (const step of steps.slice(0, -1)) {
    const next = here[step] ?? {};
    if (!isObject(next)) return { ok: false, error: `setting "${key}": "${step}" holds a value, not a group of settings. Fix: name a setting inside a group, e.g. "caps.grades3to6".` };
    here[step] = next;
    here = next;
  }
  const last = steps[steps.length - 1]!;
  if (value === null) delete here[last];
  else here[last] = value;
  return ok(top);
}

/** Writes the file next to itself and renames it over the old one, so a crash leaves the old or the new file, never half of one. */
function writeAtomically(dataDir: string, json: Json): void {
  const path = join(dataDir, SETTINGS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(json, null, 2) + '\n');
  fsyncPath(temp);
  renameSync(temp, path);
  fsyncPath(dataDir);
}

const thresholdsChanged = (a: StationSettings, b: StationSettings) => a.reading.bubbles.definite !== b.reading.bubbles.definite || a.reading.bubbles.marginal !== b.reading.bubbles.marginal;

/**
 * Changes settings by dotted key ("caps.grades3to6": 45; null restores the default). The whole file is checked
 * before anything is written: an unknown key names the nearest valid one, a bad value names its key and the fix.
 * A changed mark threshold needs `confirmThresholds` (after previewThresholds showed what it changes).
 */
export const updateSettings = defineHandler(
  z.object({ changes: z.record(z.string().min(1), z.unknown()), confirmThresholds: z.boolean().default(false) }),
  async (ctx, input) => {
    const refused = Object.keys(input.changes).find((key) => NOT_HERE[key.split('.')[0]!]);
    if (refused) return fail('not_here', `setting "${refused}": ${NOT_HERE[refused.split('.')[0]!]}.`);
    const raw = readRawSettings(ctx);
    if (!raw.ok) return raw;
    let next = raw.value;
    for (const [key, value] of Object.entries(input.changes)) {
      const changed = withChange(next, key, value);
      if (!changed.ok) return fail('invalid_setting', changed.error);
      next = changed.value;
    }
    const parsed = parseStationSettings(next, SETTINGS_FILE);
    if (!parsed.ok) return fail('invalid_setting', parsed.error[0]!, parsed.error);
    const style = loadPageStyle(parsed.value.pageStyle, parsed.value.duplex);
    if (!style.ok) return fail('invalid_setting', `setting "pageStyle": ${style.error}`);
    const vision = visionSettingsOf(parsed.value);
    if (!vision.ok) return fail('invalid_setting', vision.error);
    if (thresholdsChanged(ctx.settings, parsed.value) && !input.confirmThresholds)
      return fail('confirm_needed', `settings ${THRESHOLD_KEYS.join(' and ')} change how marks are read. Fix: look at what the change does to the last stack (previewThresholds), then confirm it.`);
    writeAtomically(ctx.dataDir, next);
    // In place: transports hand each handler a copy of the context ({ ...ctx, actor }) that shares this object.
    Object.assign(ctx.settings, parsed.value);
    return ok({ settings: parsed.value, changed: Object.keys(input.changes) });
  },
);

/** The last scan session's graded pages, with their stored reads and printed layouts. */
function lastStack(ctx: StationContext): { sessionId: string | null; pages: { page: PrintedPage; read: StoredPageRead }[] } {
  const session = ctx.db
    .prepare(`SELECT s.id FROM scan_sessions s WHERE EXISTS (SELECT 1 FROM scanned_images i WHERE i.session_id = s.id AND i.status IN ('graded','needs_review')) ORDER BY s.started_seq DESC LIMIT 1`)
    .get() as { id: string } | undefined;
  if (!session) return { sessionId: null, pages: [] };
  const rows = ctx.db
    .prepare(`SELECT read_json FROM scanned_images WHERE session_id = ? AND status IN ('graded','needs_review') AND read_json IS NOT NULL ORDER BY id`)
    .all(session.id) as { read_json: string }[];
  const pages = rows.flatMap((r) => {
    const read = JSON.parse(r.read_json) as Partial<StoredPageRead> & { ok?: boolean };
    const page = read.ok && read.pageId && Array.isArray(read.fields) ? ctx.store.printedPage(read.pageId) : null;
    return page ? [{ page, read: read as StoredPageRead }] : [];
  });
  return { sessionId: session.id, pages };
}

/** What the proposed mark thresholds would change on the last stack: decided again in memory from the stored reads; nothing is written. */
export const previewThresholds = defineHandler(
  z.object({ definite: z.number().min(0).max(1).optional(), marginal: z.number().min(0).max(1).optional() }),
  async (ctx, input) => {
    const current = visionSettingsOf(ctx.settings);
    if (!current.ok) return fail('invalid_setting', current.error);
    const proposed = visionSettingsOf({ reading: { bubbles: { ...ctx.settings.reading.bubbles, ...input } } });
    if (!proposed.ok) return fail('invalid_setting', proposed.error);
    const stack = lastStack(ctx);
    return ok({ sessionId: stack.sessionId, pages: stack.pages.length, ...thresholdEffect(stack.pages, current.value, proposed.value) });
  },
);

export const settingsHandlers = { settings, updateSettings, previewThresholds, ...recoveryHandlers } as const;
