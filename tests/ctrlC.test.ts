/**
 * Ctrl+C during `paperloop scan`, per driver: a real child process gets SIGINT mid-stack (on an
 * observed event, never a timer), and every page the scanner had already fed must be stored.
 * "Fed" is counted outside the station: files scanimage finished in its batch folder, pages the
 * eSCL server sent, files dropped into the hot folder; for the replay feeder, the sheets it gave.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeEsclServer, type FakeEsclServer } from '../native-bridge/escl/fakeEsclServer';
import { createSaneTestConfig, type SaneTestConfig } from '../native-bridge/sane/saneTestBackend';
import { makePng, watchSaneBatchPages } from '../native-bridge/testFixtures';
import { REPO_ROOT } from '../src/station/context';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const HAS_SCANIMAGE = existsSync('/usr/bin/scanimage');

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stderr(): string;
}

const temps: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A fresh station (`paperloop init`) with scanner settings merged in. */
function station(scanners: Record<string, unknown> = {}): string {
  const data = tempDir('pl-ctrlc-');
  const init = spawnSync(process.execPath, [BIN, 'init'], { env: { ...process.env, PAPERLOOP_DATA: data }, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const path = join(data, 'settings.json');
  const settings = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...settings, scanners }, null, 2));
  return data;
}

/** `paperloop scan … --json` as its own process group, like a command in a terminal. */
function scan(data: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [BIN, 'scan', ...args, '--json'], {
    env: { ...process.env, PAPERLOOP_DATA: data, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
  });
  return { child, done, stderr: () => stderr };
}

/** Ctrl+C in a terminal: SIGINT to the whole foreground process group (scanimage included). */
const ctrlC = (run: Run): void => {
  process.kill(-(run.child.pid ?? 0), 'SIGINT');
};

/** A 12-sheet feeder job on the fake AirSane, scanned by a station at `msPerPage`. */
async function esclScan(msPerPage: number): Promise<{ server: FakeEsclServer; data: string; run: Run }> {
  const server = await startFakeEsclServer({ sheets: 12, pageDelayMs: msPerPage });
  cleanups.push(() => server.close());
  const data = station({ escl: [{ url: server.url }] });
  return { server, data, run: scan(data, ['--device', `escl:${server.url}`, '--source', 'feeder', '--dpi', '75']) };
}

/** Ctrl+C once; the scan must end cleanly. Returns its JSON summary and what the station stored. */
async function stopScan(run: Run, data: string): Promise<{ summary: ScanJson; stored: { rows: number; files: number } }> {
  ctrlC(run);
  const { code, stdout, stderr } = await run.done;
  expect(code, stderr).toBe(0);
  return { summary: JSON.parse(stdout) as ScanJson, stored: storedImages(data) };
}

/** Polls until `condition` holds (or the child has exited), every 25 ms. */
async function until(condition: () => boolean, run: Run): Promise<void> {
  while (!condition()) {
    if (run.child.exitCode !== null) throw new Error('the scan ended before the stop point');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Images the station stored: rows in scanned_images, and the files they name. */
function storedImages(data: string): { rows: number; files: number } {
  const db = new Database(join(data, 'station.db'), { readonly: true });
  try {
    const paths = (db.prepare('SELECT path FROM scanned_images').all() as { path: string }[]).map((r) => r.path);
    return { rows: paths.length, files: paths.filter((p) => existsSync(p.startsWith('/') ? p : join(data, p))).length };
  } finally {
    db.close();
  }
}

function imagesOnDisk(data: string): number {
  const walk = (dir: string): number =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.tmp') ? 0 : 1), 0)
      : 0;
  return walk(join(data, 'images'));
}

interface ScanJson {
  stored: number;
  duplicates: number;
  fed: number;
  stopped: boolean;
  scanner: string;
}

describe('Ctrl+C during paperloop scan stores every sheet the scanner already fed', () => {
  it.skipIf(!HAS_SCANIMAGE)('SANE (real scanimage, test backend): pages scanimage finished == pages stored', async () => {
    // ~0.6 s a page (read delay), so the stack of ten is still running when the third page is done, even on a loaded machine
    const conf: SaneTestConfig = await createSaneTestConfig(tempDir('pl-ctrlc-sane-'), { readDelayUs: 10_000, readLimitBytes: 4096 });
    const data = station({ saneConfigDir: conf.dir });
    const batchParent = tempDir('pl-ctrlc-tmp-');
    const batches = watchSaneBatchPages(batchParent);
    cleanups.push(() => batches.close());
    const run = scan(data, ['--device', conf.deviceId, '--source', 'feeder', '--dpi', '50'], { TMPDIR: batchParent });
    await until(() => batches.finished() >= 3, run);
    const { summary, stored } = await stopScan(run, data);
    const fed = batches.finished();
    console.log(JSON.stringify({ test: 'ctrlC', driver: 'sane', fedByScanner: fed, handedOver: summary.fed, storedRows: stored.rows, scanner: summary.scanner }));
    expect(fed).toBeGreaterThanOrEqual(3);
    expect(fed).toBeLessThan(10); // stopped mid-stack
    expect(summary.stopped, `scanner: ${summary.scanner}`).toBe(true);
    // the test backend's pages are identical, so they share one stored image: count pages handed over and stored
    expect(summary.fed).toBe(fed);
    expect(summary.stored + summary.duplicates).toBeGreaterThanOrEqual(1);
    expect(stored.files).toBe(stored.rows);
    // nothing left behind in the batch folder: every finished page was taken
    const leftovers = readdirSync(batchParent).filter((n) => n.startsWith('paperloop-sane-'));
    expect(leftovers).toEqual([]);
  }, 60_000);

  it('eSCL (fake AirSane over real HTTP): pages the server sent == pages stored', async () => {
    const { server, data, run } = await esclScan(1000);
    // Ctrl+C while the scanner is sending the fourth page: that sheet is fed, so it must be stored
    const pageRequests = () => server.log.requests.filter((r) => r.endsWith('/NextDocument')).length;
    await until(() => pageRequests() >= 4, run);
    const { summary, stored } = await stopScan(run, data);
    console.log(JSON.stringify({ test: 'ctrlC', driver: 'escl', fedByScanner: server.log.pagesServed, handedOver: summary.fed, storedRows: stored.rows }));
    expect(server.log.pagesServed).toBeGreaterThanOrEqual(4);
    expect(server.log.pagesServed).toBeLessThan(12);
    expect(summary.stopped).toBe(true);
    expect(stored.rows).toBe(server.log.pagesServed);
    expect(summary.fed).toBe(server.log.pagesServed);
    // the job was given back: the next scan is not refused as busy
    expect(server.log.deletedJobs.length).toBe(1);
  }, 60_000);

  it('hot folder: files dropped before Ctrl+C == pages stored', async () => {
    const inbox = tempDir('pl-ctrlc-inbox-');
    const data = station({ hotFolders: [{ name: 'inbox', path: inbox }], hotFolderOptions: { stableForMs: 300, idleTimeoutMs: 120_000 } });
    const run = scan(data, ['--device', 'hot-folder:inbox', '--source', 'feeder']);
    writeFileSync(join(inbox, 'scan-001.png'), await makePng(1));
    await until(() => imagesOnDisk(data) >= 1, run);
    // the copier drops three more pages, and the teacher presses Ctrl+C at once
    for (const n of [2, 3, 4]) writeFileSync(join(inbox, `scan-00${n}.png`), await makePng(n));
    const { summary, stored } = await stopScan(run, data);
    console.log(JSON.stringify({ test: 'ctrlC', driver: 'hot-folder', fedByScanner: 4, handedOver: summary.fed, storedRows: stored.rows }));
    expect(summary.stopped).toBe(true);
    expect(stored.rows).toBe(4);
  }, 60_000);

  it('replay: sheets the feeder gave == pages stored, in order, with none skipped', async () => {
    const stack = tempDir('pl-ctrlc-stack-');
    const files: string[] = [];
    for (let i = 0; i < 12; i++) {
      const file = join(stack, `p${String(i).padStart(3, '0')}.png`);
      writeFileSync(file, await makePng(i));
      files.push(file);
    }
    const data = station();
    const run = scan(data, ['--replay', stack, '--ms-per-sheet', '250']);
    await until(() => imagesOnDisk(data) >= 2, run);
    const { summary, stored } = await stopScan(run, data);
    console.log(JSON.stringify({ test: 'ctrlC', driver: 'replay', handedOver: summary.fed, storedRows: stored.rows }));
    expect(summary.stopped).toBe(true);
    expect(summary.fed).toBeGreaterThanOrEqual(2);
    expect(summary.fed).toBeLessThan(12);
    expect(stored.rows).toBe(summary.fed);
    // the stored pages are the first ones of the stack: none skipped
    const db = new Database(join(data, 'station.db'), { readonly: true });
    const hashes = new Set((db.prepare('SELECT sha256 FROM scanned_images').all() as { sha256: string }[]).map((r) => r.sha256));
    db.close();
    const firstFiles = files.slice(0, summary.fed).map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
    expect(hashes).toEqual(new Set(firstFiles));
  }, 60_000);

  it('a second Ctrl+C aborts at once and keeps what was stored', async () => {
    const { server, data, run } = await esclScan(100);
    await until(() => server.log.pagesServed >= 2, run);
    // the next page hangs in the scanner, so the stop waits for it and a second Ctrl+C comes first
    server.update({ pageDelayMs: 60_000 });
    await until(() => imagesOnDisk(data) >= 2, run);
    ctrlC(run);
    await until(() => /stopping/.test(run.stderr()), run);
    ctrlC(run);
    const { code, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stderr).toMatch(/aborted: the pages stored so far are kept/);
    const stored = storedImages(data);
    expect(stored.rows).toBeGreaterThanOrEqual(2);
    expect(stored.files).toBe(stored.rows);
  }, 60_000);
});
