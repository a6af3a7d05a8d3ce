import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/station/context';
import { invoke } from '../src/station/invoke';
import { printSet, writeStack } from './support/stack';
import { demoRoster, tempStation } from './support/station';

/**
 * Two writers on one data folder, as real processes: a scan while a teacher resolves reviews over
 * HTTP from `paperloop serve`, and two `paperloop ingest`s at once. Every page is graded exactly
 * once, none fails, no request gets a 500.
 */
const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const TOKEN = 'concurrency-test-token-0123456789';
const SEED = 'concurrency';

type Run = { code: number | null; stdout: string; stderr: string; ms: number };

function paperloop(dataDir: string, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, PAPERLOOP_DATA: dataDir, PAPERLOOP_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 })));
  return { child, done };
}

/** Starts `paperloop serve` on a free port and resolves with its URL once it listens. */
async function serve(dataDir: string): Promise<{ url: string; child: ChildProcess; done: Promise<Run> }> {
  const server = paperloop(dataDir, ['serve', '--port', '0', '--print-url']);
  let seen = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.child.stdout!.on('data', (d) => {
      seen += d;
      const m = /PAPERLOOP_URL=(\S+)/.exec(seen);
      if (m) resolve(m[1]!);
    });
    void server.done.then((r) => reject(new Error(`serve exited ${r.code}: ${r.stderr}`)));
  });
  return { url, ...server };
}

const busyRetries = (stderr: string) => (stderr.match(/station database stayed busy/g) ?? []).length;
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** What the station recorded for the images of one stack folder. */
function outcomeOf(dataDir: string, stack: string) {
  const hashes = readdirSync(stack).filter((f) => f.endsWith('.jpg')).map((f) => hashOf(join(stack, f)));
  const db = new Database(join(dataDir, 'station.db'), { readonly: true });
  try {
    const rows = hashes.map(
      (h) => db.prepare('SELECT status, page_id AS pageId, session_id AS sessionId FROM scanned_images WHERE sha256 = ?').all(h) as { status: string; pageId: string | null; sessionId: string }[],
    );
    const gradedTwice = db.prepare(`SELECT page_id, count(*) n FROM scanned_images WHERE status IN ('graded','needs_review') AND page_id IS NOT NULL GROUP BY page_id HAVING n > 1`).all();
    const fieldTwice = db.prepare('SELECT page_id, field_id, count(*) n FROM responses WHERE superseded = 0 GROUP BY page_id, field_id HAVING n > 1').all();
    const flat = rows.flat();
    return {
      pages: hashes.length,
      rowsPerImage: rows.map((r) => r.length),
      graded: flat.filter((r) => r.status === 'graded' || r.status === 'needs_review').length,
      failed: flat.filter((r) => r.status === 'failed' || r.status === 'queued').length,
      sessions: [...new Set(flat.map((r) => r.sessionId))],
      gradedTwice,
      fieldTwice,
    };
  } finally {
    db.close();
  }
}

describe('two writers on one data folder', () => {
  let dir: string;
  const stacks: Record<'first' | 'duringResolves' | 'left' | 'right', string> = { first: '', duringResolves: '', left: '', right: '' };

  beforeAll(async () => {
    console.log(`seed ${SEED}`);
    const ctx = tempStation(demoRoster());
    dir = ctx.dir;
    const { pdf, pages } = await printSet(ctx, '7A', 20, SEED);
    // Four stacks of different printed pages, so each page is graded once wherever it is scanned.
    const per = Math.min(16, Math.floor(pages.length / 4));
    const slice = (i: number) => Array.from({ length: per }, (_, k) => i * per + k);
    for (const [i, name] of (['first', 'duringResolves', 'left', 'right'] as const).entries()) {
      stacks[name] = join(dir, `stack-${name}`);
      await writeStack(ctx, stacks[name], { pdf, pages, seed: `${SEED}-${name}`, dpi: 150, profile: 'clean', answers: 'mixed', pageIndices: slice(i), count: per });
    }
    // Answers to resolve later: the first stack, ingested before anything runs at the same time.
    const first = await invoke(ctx, 'ingest', { paths: [stacks.first] });
    if (!first.ok) throw new Error(first.error.message);
    ctx.db.close();
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a scan runs while a teacher resolves answers over HTTP from `paperloop serve`: every page graded once, no resolve fails', async () => {
    const server = await serve(dir);
    const db = new Database(join(dir, 'station.db'), { readonly: true });
    const responseIds = (db.prepare('SELECT id FROM responses ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    db.close();
    expect(responseIds.length).toBeGreaterThan(0);
    const api = (name: string, body: unknown) =>
      fetch(`${server.url}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const t0 = performance.now();
    const scan = paperloop(dir, ['ingest', stacks.duringResolves, '--json']);
    let scanEnded = false;
    void scan.done.then(() => (scanEnded = true));
    const statuses = new Map<number, number>();
    let resolves = 0;
    // Resolve answers one after another for as long as the scan runs (and reads the review queue like the UI).
    for (let i = 0; !scanEnded; i++) {
      const res = await api('resolve', { responseId: responseIds[i % responseIds.length]!, score: 0, note: `during scan ${i}` });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.text();
      resolves++;
      const queue = await api('reviewQueue', {});
      statuses.set(queue.status, (statuses.get(queue.status) ?? 0) + 1);
      await queue.text();
    }
    const scanned = await scan.done;
    const wallMs = performance.now() - t0;
    server.child.kill('SIGTERM');
    const served = await server.done;

    expect(scanned.code, scanned.stderr).toBe(0);
    const summary = JSON.parse(scanned.stdout) as { stored: number; failed: number };
    expect(summary.failed).toBe(0);
    expect([...statuses.keys()]).toEqual([200]);
    const outcome = outcomeOf(dir, stacks.duringResolves);
    expect(outcome.rowsPerImage.every((n) => n === 1)).toBe(true);
    expect(outcome.failed).toBe(0);
    expect(outcome.graded).toBe(outcome.pages);
    expect(outcome.gradedTwice).toEqual([]);
    expect(outcome.fieldTwice).toEqual([]);
    // The writes really interleaved: some override was recorded between the first and the last answer this scan stored.
    const check = new Database(join(dir, 'station.db'), { readonly: true });
    const span = check.prepare(`SELECT min(r.seq) lo, max(r.seq) hi FROM responses r JOIN scanned_images i ON i.sha256 = r.image_sha256 WHERE i.session_id = ?`).get(outcome.sessions[0]) as { lo: number; hi: number };
    const interleaved = check.prepare('SELECT count(*) n FROM overrides WHERE seq BETWEEN ? AND ?').get(span.lo, span.hi) as { n: number };
    check.close();
    expect(interleaved.n).toBeGreaterThan(0);
    console.log(JSON.stringify({
      test: 'scan_while_resolving', pages: outcome.pages, graded: outcome.graded, failed: outcome.failed, resolves, resolvesDuringScanWrites: interleaved.n,
      httpStatuses: Object.fromEntries(statuses), retries: busyRetries(scanned.stderr) + busyRetries(served.stderr), wallMs: Math.round(wallMs),
    }));
  }, 600_000);

  it('two `paperloop ingest`s on one folder at once: the second waits for the first, every page graded once, none failed', async () => {
    const t0 = performance.now();
    const left = paperloop(dir, ['ingest', stacks.left, '--json']);
    const right = paperloop(dir, ['ingest', stacks.right, '--json']);
    const runs = await Promise.all([left.done, right.done]);
    const wallMs = performance.now() - t0;
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { failed: number }).failed).toBe(0);
    }
    const outcomes = [outcomeOf(dir, stacks.left), outcomeOf(dir, stacks.right)];
    for (const o of outcomes) {
      expect(o.rowsPerImage.every((n) => n === 1)).toBe(true);
      expect(o.failed).toBe(0);
      expect(o.graded).toBe(o.pages);
      expect(o.gradedTwice).toEqual([]);
      expect(o.fieldTwice).toEqual([]);
    }
    console.log(JSON.stringify({
      test: 'two_ingests', pages: outcomes[0]!.pages + outcomes[1]!.pages, graded: outcomes[0]!.graded + outcomes[1]!.graded,
      failed: outcomes[0]!.failed + outcomes[1]!.failed, retries: runs.reduce((n, r) => n + busyRetries(r.stderr), 0),
      waited: runs.filter((r) => /waiting for it to finish/.test(r.stderr)).length, wallMs: Math.round(wallMs),
    }));
  }, 600_000);
});
