import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseStationSettings, StationSettings } from '../domain/settings';
import { PageStyle } from '../layout/pageStyle';
import { loadPageFont, type PageFont } from '../print/pdf';
import { acquireStationLock, describeLockHolder, describeOpenError, openDatabase, StationWriter, type Db, type StationLock } from '../store';
import { err, ok, type Result } from '../domain/result';
import { StationEvents } from './events';
import { storageErrorOf } from '../scan/imageStore';

const require = createRequire(import.meta.url);
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export type StationContext = {
  dataDir: string;
  db: Db;
  /** The one writer (it also reads). */
  store: StationWriter;
  settings: StationSettings;
  font: () => PageFont;
  /** A page style by name (default: the station's, which is checked when the station opens). */
  pageStyle: (name?: string) => Result<PageStyle, string>;
  /** Today's date and timestamps come from here, never from deep inside the domain. */
  clock: () => Date;
  actor: string;
  /** Progress events (scan sessions, devices) for whichever transport is listening. */
  events: StationEvents;
};

export function defaultDataDir(): string {
  return resolve(process.env.PAPERLOOP_DATA ?? join(process.cwd(), 'paperloop-data'));
}

export function readSettings(dataDir: string): Result<StationSettings, string> {
  const path = join(dataDir, 'settings.json');
  if (!existsSync(path)) return ok(StationSettings.parse({}));
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`${path}: not valid JSON (${(e as Error).message}). Fix the file or delete it to use the defaults.`);
  }
  const parsed = parseStationSettings(json, path);
  return parsed.ok ? parsed : err(parsed.error.join('\n'));
}

let cachedFont: PageFont | null = null;
export function pageFont(): PageFont {
  cachedFont ??= loadPageFont(readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')));
  return cachedFont;
}

/** A page style from templates/styles; a missing or malformed one is an expected failure, with the fix. */
export function loadPageStyle(name: string, duplex: PageStyle['duplex']): Result<PageStyle, string> {
  const path = join(REPO_ROOT, 'templates', 'styles', `${name}.json`);
  if (!existsSync(path)) return err(`page style "${name}" not found at ${path}. Fix: use a4, letter or a4-large-print.`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`${path}: not valid JSON (${(e as Error).message}). Fix the page style file.`);
  }
  const parsed = PageStyle.safeParse({ duplex, ...(json as object) });
  if (!parsed.success) return err(`${path}: ${parsed.error.issues.map((i) => `"${i.path.join('.')}": ${i.message}`).join('; ')}. Fix the page style file.`);
  return ok(parsed.data);
}

export function initDataDir(dataDir: string, stationId?: string): Result<string, string> {
  try {
    mkdirSync(join(dataDir, 'images'), { recursive: true });
    mkdirSync(join(dataDir, 'out'), { recursive: true });
  } catch (e) {
    return err(`${dataDir}: cannot create the data folder (${(e as Error).message}). Fix: choose a writable folder with --data.`);
  }
  const settingsPath = join(dataDir, 'settings.json');
  if (!existsSync(settingsPath)) writeFileSync(settingsPath, JSON.stringify({ stationId: stationId ?? 'ST01' }, null, 2) + '\n');
  return ok(dataDir);
}

export function openStation(dataDir: string, options: { create?: boolean; actor?: string; clock?: () => Date } = {}): Result<StationContext, string> {
  const existingStation = existsSync(join(dataDir, 'settings.json'));
  if (!existingStation) {
    if (!options.create) return err(`${dataDir}: no PaperLoop station here. Fix: run "paperloop init --data ${dataDir}" first, or set PAPERLOOP_DATA.`);
    const made = initDataDir(dataDir);
    if (!made.ok) return made;
  }
  const settings = readSettings(dataDir);
  if (!settings.ok) return settings;
  const defaultStyle = loadPageStyle(settings.value.pageStyle, settings.value.duplex);
  if (!defaultStyle.ok) return err(`${join(dataDir, 'settings.json')}: setting "pageStyle": ${defaultStyle.error}`);
  const opened = openDatabase(join(dataDir, 'station.db'), { existingStation });
  if (!opened.ok) return err(describeOpenError(opened.error));
  const store = new StationWriter(opened.value, dataDir);
  if (store.meta('station_id') === null) store.setMeta('station_id', settings.value.stationId);
  return ok({
    dataDir,
    db: opened.value,
    store,
    settings: settings.value,
    font: pageFont,
    pageStyle: (name) => loadPageStyle(name ?? settings.value.pageStyle, settings.value.duplex),
    clock: options.clock ?? (() => new Date()),
    actor: options.actor ?? process.env.PAPERLOOP_USER ?? 'teacher',
    events: new StationEvents(),
  });
}

/**
 * The station lock around a scan session: one process scans into a data folder at a time. With wait,
 * a second process says who it waits for (on stderr and as an event) and goes on once the first is done;
 * without, it gets null. Short writes (a resolve from `serve`) never need it.
 */
export async function scanLock(ctx: StationContext, holder: string, wait: boolean): Promise<StationLock | null> {
  try {
    const lock = await acquireStationLock(ctx.db, {
      holder, wait, clock: ctx.clock,
      onWait: (held) => {
        const message = `${describeLockHolder(held)}; waiting for it to finish before scanning (Ctrl+C to give up).`;
        process.stderr.write(`paperloop: ${message}\n`);
        ctx.events.emit({ type: 'waiting_for_station', message, pid: held.pid });
      },
    });
    return lock.ok ? lock.value : null;
  } catch (e) {
    // The database takes no write (full disk, read-only folder): the session stops at its first write with the clear message.
    if (storageErrorOf(e, join(ctx.dataDir, 'station.db'))) return { release: () => undefined };
    throw e;
  }
}
