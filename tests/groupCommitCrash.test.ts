import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/station/context';
import { printSet, writeStack } from './support/stack';
import { demoRoster, tempStation } from './support/station';

// Kill -9 while images are stored and committed as a group: every page is stored durably, and has a committed row,
// before anything reads it (a read or pread64 of its bytes); none is lost and none graded twice. The order is checked on the real system calls
// (strace), since a SIGKILL keeps the page cache and so cannot show a missing fsync by itself.

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const PAGES = 24;
const KILLS = Number(process.env.PAPERLOOP_GROUP_KILLS ?? 4);
const TRACED = 'fsync,fdatasync,rename,renameat,renameat2,openat,read,pread64';
const straceWorks = spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=fsync', '-o', '/dev/null', 'true']).status === 0;

/** One system call as strace -f -y saw it: where in the log it started and returned. */
type Call = { name: string; args: string; ret: number; entry: number; exit: number };

/**
 * Parses strace -f -y output, joining calls split by other threads ("<unfinished ...>" … "<... x resumed>"). A call
 * the kill cut off ("= ?", or never resumed) is kept with `ret` NaN: it started, it never returned.
 */
function parseStrace(text: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<string, { name: string; args: string; entry: number }>();
  text.split('\n').forEach((line, i) => {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) return;
    const [, pid, rest] = m as unknown as [string, string, string];
    const resumed = /^<\.\.\. (\w+) resumed>(.*)\)\s+= (-?\d+|\?)/.exec(rest);
    if (resumed) {
      const started = open.get(pid);
      open.delete(pid);
      if (started) calls.push({ ...started, args: started.args + resumed[2], ret: resumed[3] === '?' ? NaN : Number(resumed[3]), exit: i });
      return;
    }
    const unfinished = /^(\w+)\((.*) <unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      open.set(pid, { name: unfinished[1]!, args: unfinished[2]!, entry: i });
      return;
    }
    const whole = /^(\w+)\((.*)\)\s+= (-?\d+|\?)/.exec(rest);
    if (whole) calls.push({ name: whole[1]!, args: whole[2]!, ret: whole[3] === '?' ? NaN : Number(whole[3]), entry: i, exit: i });
  });
  for (const started of open.values()) calls.push({ ...started, ret: NaN, exit: Infinity });
  return calls;
}

/**
 * Did image `hash` become durable and then have a row committed, in one run's calls (before log line `before`)? Its
 * data fsynced (the temp file, then renamed into place; or the image itself, when an earlier run wrote it), its
 * two folders fsynced after the rename, then a fsync of the database's WAL (a commit) started after both. The commit's
 * fsync need not have returned: the kill can land in it, and the WAL frames written before it stay in the page cache
 * (SIGKILL is not a power cut), so the next run sees the row; what matters is that the image was durable first.
 */
function durableAndCommitted(calls: Call[], hash: string, before = Infinity): boolean {
  const ok = calls.filter((c) => c.ret >= 0 && c.exit < before);
  const fsyncs = ok.filter((c) => c.name === 'fsync' || c.name === 'fdatasync');
  const dataSynced = fsyncs.find((c) => c.args.includes(`/.incoming/${hash}.`) || c.args.includes(`/${hash}.jpg>`));
  if (!dataSynced) return false;
  const renamed = dataSynced.args.includes('/.incoming/') ? ok.find((c) => c.name.startsWith('rename') && c.args.includes(`/${hash}.jpg"`) && c.entry > dataSynced.exit) : undefined;
  if (dataSynced.args.includes('/.incoming/') && !renamed) return false;
  const folderSynced = (folder: string) => fsyncs.find((c) => c.args.endsWith(`/images/${folder}>`) && c.entry > (renamed?.exit ?? -1));
  const folders = [folderSynced(`${hash.slice(0, 2)}/${hash.slice(2, 4)}`), folderSynced(hash.slice(0, 2))];
  if (folders.some((f) => !f)) return false;
  const commitStarted = calls.filter((c) => (c.name === 'fsync' || c.name === 'fdatasync') && c.entry < before && (c.ret >= 0 || Number.isNaN(c.ret)));
  return commitStarted.some((c) => c.args.includes('station.db-wal>') && c.entry > Math.max(dataSynced.exit, ...folders.map((f) => f!.exit)));
}

/**
 * The reads of stored images: per image, the first read (read or pread64) of a descriptor that strace -y tags with the
 * image's path, at the read's log line (later reads of it come when it is at least as durable). The store opens an image
 * to fsync it and never reads it, so an open the kill caught before its fsync is no read.
 */
function imageReads(calls: Call[]): { hash: string; entry: number }[] {
  const first = new Map<string, number>();
  for (const c of calls) {
    const m = /^\d+<[^>]*\/images\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})\.jpg>,/.exec(c.args);
    if ((c.name === 'read' || c.name === 'pread64') && m && !first.has(m[1]!)) first.set(m[1]!, c.entry);
  }
  return [...first].map(([hash, entry]) => ({ hash, entry }));
}

/** For a failure message: the calls on image `hash` and the WAL commits around them, run by run (what the check saw). */
function callsOf(runs: Call[][], hash: string): string {
  return runs
    .map((calls, run) => {
      const mine = calls.filter((c) => c.args.includes(hash.slice(0, 2)) && (c.args.includes(hash) || c.args.endsWith(`/images/${hash.slice(0, 2)}>`) || c.args.endsWith(`/images/${hash.slice(0, 2)}/${hash.slice(2, 4)}>`)));
      const first = mine[0]?.entry ?? Infinity;
      const commits = calls.filter((c) => c.args.includes('station.db-wal>') && c.entry > first).slice(0, 3);
      return `run ${run}: ${[...mine, ...commits].sort((a, b) => a.entry - b.entry).map((c) => `${c.entry + 1} ${c.name}(${c.args.slice(-60)})=${c.ret}`).join('; ') || 'none'}`;
    })
    .join(' | ');
}

describe('reading the strace log of a killed run', () => {
  const image = '/d/images/89/93/89934e2388f12fbf67787ec4a948bd391ae1cc9e33a5512a2fb6009259da8fbf.jpg';
  const hash = '89934e2388f12fbf67787ec4a948bd391ae1cc9e33a5512a2fb6009259da8fbf';

  // The store flushes an image that an earlier run left: libuv opens it on one thread and fsyncs it on another, and
  // the kill can land in that fsync (seen in CI: "= ?" after the kill, or no resumed line at all).
  // Folders and WAL synced after the cut-off fsync: the image would count as durable if a cut-off call counted as done.
  const thenSynced = ['25388 fsync(3</d/images/89/93>) = 0', '25388 fsync(4</d/images/89>) = 0', '25388 fsync(5</d/station.db-wal>) = 0'];
  const open = `25387 openat(AT_FDCWD</w>, "${image}", O_RDONLY|O_CLOEXEC) = 51<${image}>`;
  it.each([
    ['cut off after another thread printed ("<... resumed> = ?")', [`25386 fsync(51<${image}> <unfinished ...>`, ...thenSynced, '25386 <... fsync resumed>)              = ?']],
    ['cut off on one line ("= ?")', [`25386 fsync(51<${image}>)          = ?`, ...thenSynced]],
    ['cut off ("= ? <unavailable>")', [`25386 fsync(51<${image}>) = ? <unavailable>`, ...thenSynced]],
    ['never resumed', [`25386 fsync(51<${image}> <unfinished ...>`, ...thenSynced, '25386 +++ killed by SIGKILL +++']],
  ])('an open whose fsync the kill %s is the store flushing, not a read; the image is not durable', (_, rest) => {
    const calls = parseStrace([open, ...rest].join('\n'));
    expect(imageReads(calls)).toEqual([]);
    expect(durableAndCommitted(calls, hash)).toBe(false);
  });

  it.each([
    ['never returned', [`25387 openat(AT_FDCWD</w>, "${image}", O_RDONLY|O_CLOEXEC <unfinished ...>`, '25387 +++ killed by SIGKILL +++']],
    ['returned "= ?"', [`25387 openat(AT_FDCWD</w>, "${image}", O_RDONLY|O_CLOEXEC <unfinished ...>`, '25386 fsync(3</d/x>) = 0', '25387 <... openat resumed>) = ?']],
  ])('an open of an image the kill cut off (%s) read nothing', (_, lines) => {
    expect(imageReads(parseStrace(lines.join('\n')))).toEqual([]);
  });

  it.each([
    ['cut off ("= ?")', '25388 fsync(5</d/station.db-wal>) = ?'],
    ['never resumed', '25388 fsync(5</d/station.db-wal> <unfinished ...>'],
  ])('a commit whose WAL fsync the kill %s, after the image and its folders were durable, counts: the next run sees the row', (_, commit) => {
    const durable = [`25386 fsync(51<${image}>) = 0`, '25388 fsync(3</d/images/89/93>) = 0', '25388 fsync(4</d/images/89>) = 0'];
    expect(durableAndCommitted(parseStrace([...durable, commit].join('\n')), hash)).toBe(true);
    // the same commit before the folders were synced does not
    expect(durableAndCommitted(parseStrace([durable[0]!, commit, ...durable.slice(1)].join('\n')), hash)).toBe(false);
  });

  it.each([
    ['read', `25387 read(51<${image}>, "\\377\\330\\377\\340"..., 65536) = 65536`],
    ['pread64', `25387 pread64(51<${image}>, "\\377\\330"..., 4096, 0) = 4096`],
    ['read another thread interrupted', `25387 read(51<${image}>,  <unfinished ...>\n25386 fsync(3</d/x>) = 0\n25387 <... read resumed>"\\377\\330"..., 65536) = 65536`],
  ])('a %s of an opened image is a read, at the read\'s log line', (_, read) => {
    const log = [open, `25386 fsync(3</d/x>) = 0`, read].join('\n');
    expect(imageReads(parseStrace(log))).toEqual([{ hash, entry: 2 }]);
  });

  it('an open the kill caught before its fsync, while the folders were being synced, read nothing (seen in CI)', () => {
    // the store's flush of an image an earlier run left: the open of the image and the fsync of its folder in flight together
    const log = [open, `25388 fsync(3</d/images/89> <unfinished ...>`, '25387 +++ killed by SIGKILL +++'].join('\n');
    expect(imageReads(parseStrace(log))).toEqual([]);
  });

  it('a read of another file under the same descriptor number is not a read of the image; an image read twice counts once, at the first', () => {
    const log = [open, `25387 openat(AT_FDCWD</w>, "/d/x", O_RDONLY|O_CLOEXEC) = 51</d/x>`, `25387 read(51</d/x>, "abc", 3) = 3`].join('\n');
    expect(imageReads(parseStrace(log))).toEqual([]);
    const twice = [open, `25387 read(51<${image}>, "\\377"..., 65536) = 65536`, open, `25387 read(51<${image}>, "\\377"..., 65536) = 65536`].join('\n');
    expect(imageReads(parseStrace(twice))).toEqual([{ hash, entry: 1 }]);
  });

  it('a read is found by the path strace resolved, whatever path the open was given (a symlinked data folder)', () => {
    const log = [`25387 openat(AT_FDCWD</w>, "link/images/89/93/${hash}.jpg", O_RDONLY|O_CLOEXEC) = 51<${image}>`, `25387 read(51<${image}>, "\\377"..., 65536) = 65536`].join('\n');
    expect(imageReads(parseStrace(log))).toEqual([{ hash, entry: 1 }]);
  });
});

describe.skipIf(!straceWorks)('kill -9 in the middle of a group commit', () => {
  let ctx: ReturnType<typeof tempStation>;
  let stack: string;
  let traces: string;

  beforeAll(async () => {
    ctx = tempStation(demoRoster());
    const { pdf, pages } = await printSet(ctx, '7A', 40, 'group-kill');
    stack = join(ctx.dir, 'stack');
    await writeStack(ctx, stack, { pdf, pages, seed: 'group-kill', dpi: 150, profile: 'clean', answers: 'mixed', count: PAGES });
    traces = join(ctx.dir, 'traces');
    mkdirSync(traces);
    ctx.db.close();
  }, 600_000);

  afterAll(() => rmSync(ctx.dir, { recursive: true, force: true }));

  /**
   * Ingests the stack under strace. With `killAtFsync`, strace kills the process (SIGKILL) when any of its threads
   * makes its that-many-th fsync (strace counts per thread): a kill in the run's image, folder and WAL fsyncs, several
   * of them in flight together, that always comes (unlike one timed from outside). (strace's injection does not work with --seccomp-bpf, so those runs trace every call.)
   */
  function ingest(run: number, killAtFsync: number | null): Promise<{ killed: boolean; code: number | null; stderr: string }> {
    mkdirSync(join(ctx.dir, 'images', '.incoming'), { recursive: true });
    const inject = killAtFsync === null ? ['--seccomp-bpf'] : ['-e', `inject=fsync:signal=KILL:when=${killAtFsync}+`];
    return new Promise((resolve) => {
      const child = spawn('strace', ['-f', '-qq', '-y', ...inject, '-e', `trace=${TRACED}`, '-o', join(traces, `run-${run}.log`), process.execPath, BIN, 'ingest', stack], {
        env: { ...process.env, PAPERLOOP_DATA: ctx.dir, PAPERLOOP_TSX: '1' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code, signal) => resolve({ killed: signal === 'SIGKILL' || code === 137, code, stderr }));
    });
  }

  it('loses no page, grades none twice, and reads none before it is durable and committed', async () => {
    const files = readdirSync(stack).filter((f) => f.endsWith('.jpg'));
    expect(files).toHaveLength(PAGES);
    let kills = 0;
    // Each run gets further (the fsyncs of images already stored count too), and is killed at a later fsync.
    for (let run = 0; run < KILLS; run++) if ((await ingest(run, 3 + 3 * run)).killed) kills++;
    const last = await ingest(KILLS, null);
    expect(last.code, last.stderr).toBe(0);
    expect(kills).toBe(KILLS);

    const db = new Database(join(ctx.dir, 'station.db'), { readonly: true });
    const rows = db.prepare('SELECT sha256, path, status, page_id FROM scanned_images').all() as { sha256: string; path: string; status: string; page_id: string | null }[];
    const hashes = new Set(files.map((f) => createHash('sha256').update(readFileSync(join(stack, f))).digest('hex')));
    expect(new Set(rows.map((r) => r.sha256))).toEqual(hashes);
    expect(rows).toHaveLength(hashes.size);
    for (const r of rows) expect(createHash('sha256').update(readFileSync(join(ctx.dir, r.path))).digest('hex')).toBe(r.sha256);
    expect(rows.filter((r) => r.status === 'queued' || r.status === 'failed')).toEqual([]);
    expect(db.prepare(`SELECT page_id, count(*) n FROM scanned_images WHERE status IN ('graded','needs_review') GROUP BY page_id HAVING n > 1`).all()).toEqual([]);
    expect(db.prepare('SELECT page_id, field_id, count(*) n FROM responses WHERE superseded = 0 GROUP BY page_id, field_id HAVING n > 1').all()).toEqual([]);
    expect(rows.filter((r) => r.status === 'graded' || r.status === 'needs_review').length).toBeGreaterThan(PAGES / 2);
    db.close();

    // Every read of an image (a read of its bytes) came after the image was durable and a commit followed, in the same
    // run, or in an earlier run that stored it (a row left queued by a kill and read on the next start).
    const runs = Array.from({ length: KILLS + 1 }, (_, run) => parseStrace(readFileSync(join(traces, `run-${run}.log`), 'utf8')));
    let reads = 0;
    const unsafe: string[] = [];
    runs.forEach((calls, run) => {
      for (const { hash, entry } of imageReads(calls)) {
        reads++;
        const safe = durableAndCommitted(calls, hash, entry) || runs.slice(0, run).some((earlier) => durableAndCommitted(earlier, hash));
        if (!safe) unsafe.push(`run ${run}, log line ${entry + 1}: ${hash.slice(0, 12)} read before it was durable and committed; its calls: ${callsOf(runs.slice(0, run + 1), hash)}`);
      }
    });
    console.log(JSON.stringify({ test: 'group_commit_kill9', kills, reads, images: rows.length }));
    expect(reads).toBeGreaterThanOrEqual(PAGES);
    expect(unsafe).toEqual([]);
  }, 900_000);
});
