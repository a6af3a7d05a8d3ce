/** The station's settings file as the app changes it: checked whole, written atomically, in force at once. */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, type Result } from '../../../domain/result';
import { parseStationSettings, type StationSettings } from '../../../domain/settings';
import { fsyncPath } from '../../../store/fsync';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from '../../../vision/settings';
import { loadPageStyle, type StationContext } from '../../context';
import { fail, type HandlerError } from '../types';

const SETTINGS_FILE = 'settings.json';
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

export type Json = Record<string, unknown>;
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
export function withChange(raw: Json, key: string, value: unknown): Result<Json, string> {
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
function writeAtomically(dataDir: string, json: Json): Result<void, HandlerError> {
  const path = join(dataDir, SETTINGS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(json, null, 2) + '\n');
    fsyncPath(temp);
    renameSync(temp, path);
    fsyncPath(dataDir);
    return ok(undefined);
  } catch (e) {
    if (statSync(temp, { throwIfNoEntry: false })?.isFile()) rmSync(temp);
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return fail('storage', `${path}: cannot be written (${code}); the settings stay as they were. Fix: free space on the disk or give the station's user the right to write its data folder, then save again.`);
  }
}

const thresholdsChanged = (a: StationSettings, b: StationSettings) => a.reading.bubbles.definite !== b.reading.bubbles.definite || a.reading.bubbles.marginal !== b.reading.bubbles.marginal;

/**
 * Writes a change to settings.json: the whole file is checked before anything is written (an unknown key names the
 * nearest valid one, a bad value names its key and the fix), a changed mark threshold needs `confirmThresholds`, and
 * the station's settings follow at once.
 */
export function saveSettings(ctx: StationContext, change: (raw: Json) => Result<Json, string>, o: { confirmThresholds: boolean }): Result<StationSettings, HandlerError> {
  const raw = readRawSettings(ctx);
  if (!raw.ok) return raw;
  const next = change(raw.value);
  if (!next.ok) return fail('invalid_setting', next.error);
  const parsed = parseStationSettings(next.value, SETTINGS_FILE);
  if (!parsed.ok) return fail('invalid_setting', parsed.error[0]!, parsed.error);
  const style = loadPageStyle(parsed.value.pageStyle, parsed.value.duplex);
  if (!style.ok) return fail('invalid_setting', `setting "pageStyle": ${style.error}`);
  const vision = visionSettingsOf(parsed.value);
  if (!vision.ok) return fail('invalid_setting', vision.error);
  if (thresholdsChanged(ctx.settings, parsed.value) && !o.confirmThresholds)
    return fail('confirm_needed', `settings ${THRESHOLD_KEYS.join(' and ')} change how marks are read. Fix: look at what the change does to the last stack (previewThresholds), then confirm it.`);
  const written = writeAtomically(ctx.dataDir, next.value);
  if (!written.ok) return written;
  // In place: transports hand each handler a copy of the context ({ ...ctx, actor }) that shares this object.
  Object.assign(ctx.settings, parsed.value);
  return ok(parsed.value);
}

