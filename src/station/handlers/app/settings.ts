/** Handlers the teacher's app needs for its settings screen (registered in ../index.ts). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ok, type Result } from '../../../domain/result';
import type { StationSettings } from '../../../domain/settings';
import { A4_STYLE } from '../../../layout/pageStyle';
import type { PrintedPage } from '../../../layout/printedPage';
import { DEFAULT_VISION_SETTINGS } from '../../../vision/settings';
import { loadPageStyle, REPO_ROOT, type StationContext } from '../../context';
import { defineHandler, fail } from '../types';
import { lanHandlers } from './lanAccess';
import { recoveryHandlers } from './recovery';
import { saveSettings, visionSettingsOf, withChange, type Json } from './settingsFile';
import { thresholdEffect, type StoredPageRead } from './thresholdPreview';

/** Settings that change who may reach the station are an admin's, through their own handler; the station id is fixed once pages are printed. */
const NOT_HERE: Record<string, string> = {
  network: 'LAN access is changed by an admin on the Settings screen (or in settings.json), not here',
  stationId: 'the station id prefixes every printed page id; change it only in settings.json, before the first print',
};

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
  // Token hashes stay on the station (an admin sees the tokens' labels through lanAccess).
  const { tokens: _hashes, ...network } = ctx.settings.network;
  return ok({
    settings: { ...ctx.settings, network },
    pageStyles: pageStyles(ctx.settings),
    markThresholds: {
      definite: vision.ok ? vision.value.bubbles.definite : defaults.definite,
      marginal: vision.ok ? vision.value.bubbles.marginal : defaults.marginal,
      defaults: { definite: defaults.definite, marginal: defaults.marginal },
    },
  });
});

/** Changes settings by dotted key ("caps.grades3to6": 45; null restores the default). */
export const updateSettings = defineHandler(
  z.object({ changes: z.record(z.string().min(1), z.unknown()), confirmThresholds: z.boolean().default(false) }),
  async (ctx, input) => {
    const refused = Object.keys(input.changes).find((key) => NOT_HERE[key.split('.')[0]!]);
    if (refused) return fail('not_here', `setting "${refused}": ${NOT_HERE[refused.split('.')[0]!]}.`);
    const saved = saveSettings(
      ctx,
      (raw) => {
        let next: Result<Json, string> = ok(raw);
        for (const [key, value] of Object.entries(input.changes)) if (next.ok) next = withChange(next.value, key, value);
        return next;
      },
      { confirmThresholds: input.confirmThresholds },
    );
    return saved.ok ? ok({ settings: saved.value, changed: Object.keys(input.changes) }) : saved;
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

export const settingsHandlers = { settings, updateSettings, previewThresholds, ...recoveryHandlers, ...lanHandlers } as const;
