// Peak memory of `paperloop ingest` while it stores, reads and grades a long stack (goal: flat, < 1 GB, whatever the
// stack's size). The stack: the 200 pages of bench:read's throughput stack, copied again and again into a folder, each
// copy with its own bytes (a JPEG comment), ingested with --rescan so every page is read and graded again. BENCH_PAGES
// sets the size (default 2,000). The command runs as a teacher runs it (the bundle, one process, its vision workers);
// this process only watches it: peak RSS (VmHWM of /proc/<pid>/status) and the RSS at each fifth of the run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/station/context';
import { throughputStation } from './lib/throughputStack';

const PAGES = Number(process.env.BENCH_PAGES ?? 2000);
const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'memory', figure, value: Math.round(value * 10) / 10, unit, ...(goal ? { goal } : {}), ...extra }));

const { ctx, files } = await throughputStation();
ctx.db.close(); // the command opens the station itself

/** The same JPEG with a comment segment after SOI: other bytes, other hash, the same pixels. */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + body.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

// One file at a time to disk; the command reads them one at a time too, so the stack is never in memory.
const stack = mkdtempSync(join(tmpdir(), 'pl-memory-stack-'));
for (let i = 0; i < PAGES; i++) writeFileSync(join(stack, `p${String(i).padStart(5, '0')}.jpg`), withComment(readFileSync(files[i % files.length]!), `copy ${Math.floor(i / files.length)}`));

const built = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'build-bundle.mjs')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`the bundle did not build: ${built.stderr}`);

/** kB figures of /proc/<pid>/status (VmRSS, VmHWM), or null once the process is gone (or exiting: no Vm lines then). */
function memoryOf(pid: number): { rss: number; peak: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  const m = { rss: kb('VmRSS'), peak: kb('VmHWM') };
  return Number.isFinite(m.rss) && Number.isFinite(m.peak) ? m : null;
}

const mb = (kb: number) => Math.round(kb / 1024);
const t0 = performance.now();
const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'paperloop.mjs'), '--data', ctx.dir, 'ingest', '--rescan', '--json', stack], { env: { ...process.env, PAPERLOOP_TSX: '0' } });
let stdout = '';
let stderr = '';
child.stdout.on('data', (d: Buffer) => (stdout += d));
child.stderr.on('data', (d: Buffer) => (stderr += d));
const samples: { s: number; rss: number }[] = [];
let peakKb = 0;
const watch = setInterval(() => {
  const m = memoryOf(child.pid!);
  if (!m) return;
  peakKb = Math.max(peakKb, m.peak);
  samples.push({ s: (performance.now() - t0) / 1000, rss: m.rss });
}, 100);
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
clearInterval(watch);
rmSync(stack, { recursive: true, force: true });
if (code !== 0) throw new Error(`paperloop ingest failed (${code}): ${stderr}`);
const s = JSON.parse(stdout) as { stored: number; graded: number; needsReview: number; blankBacks: number; refused: number; failed: number; pagesPerSecond: number };
const seconds = (performance.now() - t0) / 1000;
// The RSS at the end of each fifth of the run (pages come at a steady rate, so about each fifth of the stack).
const byFifth = [1, 2, 3, 4, 5].map((f) => {
  const at = samples.filter((x) => x.s <= (seconds * f) / 5).at(-1);
  return { pages: Math.round((PAGES * f) / 5), rss_mb: at ? mb(at.rss) : null };
});
out('peak_rss_mb', peakKb / 1024, 'MB', '<1024', { pages: PAGES, rss_by_pages: byFifth, process: 'paperloop ingest (bundle)' });
out('memory_stack_pages_per_s', s.pagesPerSecond, 'pages/s', undefined, { stored: s.stored, graded: s.graded, needs_review: s.needsReview, blank_backs: s.blankBacks, refused: s.refused, failed: s.failed });
rmSync(ctx.dir, { recursive: true, force: true });
