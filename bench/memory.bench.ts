// Peak memory while a long stack is stored, read and graded (goal: flat, < 1 GB, whatever the stack's size).
// The stack is made on the fly: the 200 pages of bench:read's throughput stack, fed again and again, each copy with
// its own bytes (a JPEG comment), read with --rescan so every page is read and graded again. BENCH_PAGES sets the
// size (default 2,000). Prints JSON lines: peak RSS of the whole process (main thread and vision workers) and the
// RSS after each fifth of the stack.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createReaderPool } from '../src/scan/readerPool';
import { ScanSession } from '../src/scan/session';
import { removeStation } from '../tests/support/cleanup';
import { throughputStation } from './lib/throughputStack';

const PAGES = Number(process.env.BENCH_PAGES ?? 2000);
const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'memory', figure, value: Math.round(value * 10) / 10, unit, ...(goal ? { goal } : {}), ...extra }));

const { ctx, files } = await throughputStation();

/** The same JPEG with a comment segment after SOI: other bytes, other hash, the same pixels. */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const segment = Buffer.alloc(4 + body.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  body.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const checkpoints: { pages: number; rss_mb: number }[] = [];
let fed = 0;
let sampledPeak = 0;
const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())), 100);
const reader = createReaderPool({ dbPath: join(ctx.dir, 'station.db') });
const session = new ScanSession({ store: ctx.store, dataDir: ctx.dir, reader, grading: ctx.settings, actor: 'bench', clock: () => new Date(), maxInFlight: availableParallelism() * 2, rescan: true });
const t0 = performance.now();
const result = await session.ingest((async function* () {
  for (; fed < PAGES; fed++) {
    // One file at a time from disk, as a scanner delivers them: the stack itself is never in memory.
    yield { bytes: withComment(readFileSync(files[fed % files.length]!), `copy ${Math.floor(fed / files.length)}`), mediaType: 'image/jpeg' };
    if ((fed + 1) % Math.ceil(PAGES / 5) === 0) checkpoints.push({ pages: fed + 1, rss_mb: Math.round(mb(process.memoryUsage.rss())) });
  }
})());
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
await reader.close();
if (!result.ok) throw new Error(result.error);
const s = result.value;
out('peak_rss_mb', process.resourceUsage().maxRSS / 1024, 'MB', '<1024', { pages: PAGES, sampled_peak_mb: Math.round(mb(sampledPeak)), rss_by_pages: checkpoints });
out('memory_stack_pages_per_s', s.stored / seconds, 'pages/s', undefined, { stored: s.stored, graded: s.graded, needs_review: s.needsReview, blank_backs: s.blankBacks, refused: s.refused, failed: s.failed });
removeStation(ctx);
