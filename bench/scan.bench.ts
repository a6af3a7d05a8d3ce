// Replay scanner → durable store → vision pool → graded results, on the 200-page stack of bench:read.
// Goal: not slower than the read benchmark (files handed straight to the session) by more than 10 %.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseRosterCsv } from '../src/domain/import/rosterCsv';
import { hash64 } from '../src/layout/hash';
import { batchAsPages } from '../src/scan/driverSource';
import { sha256 } from '../src/scan/imageStore';
import { createReaderPool } from '../src/scan/readerPool';
import { ScanSession, type IncomingImage } from '../src/scan/session';
import { REPO_ROOT } from '../src/station/context';
import { replayDriverFor } from '../src/station/devices';
import { printSet, writeStack } from '../tests/support/stack';
import { DEMO, tempStation } from '../tests/support/station';

const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'scan', figure, value: Math.round(value * 1000) / 1000, unit, ...(goal ? { goal } : {}), ...extra }));

async function run(label: 'files' | 'replay'): Promise<number> {
  const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
  if (!roster.ok) throw new Error('roster');
  const ctx = tempStation(roster.value);
  const printed = await printSet(ctx, '7A', 60, 'bench-read');
  const folder = join(REPO_ROOT, 'bench', '.cache', `throughput-200-${hash64(printed.pages.map((p) => p.pageId + p.layoutVersion).join()).slice(0, 10)}`);
  if (!existsSync(join(folder, 'truth.json'))) await writeStack(ctx, folder, { pdf: printed.pdf, pages: printed.pages, seed: 'tp', dpi: 300, profile: 'typical', answers: 'mixed', count: 200 });
  const files = readdirSync(folder).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(folder, f));
  const reader = createReaderPool({ dbPath: join(ctx.dir, 'station.db') });
  await Promise.all(Array.from({ length: availableParallelism() }, () => reader.read({ path: files[0]!, sha256: sha256(readFileSync(files[0]!)), mediaType: 'image/jpeg' })));
  const session = new ScanSession({ store: ctx.store, dataDir: ctx.dir, reader, grading: ctx.settings, actor: 'bench', clock: () => new Date(), maxInFlight: availableParallelism() * 2 });
  let source: AsyncIterable<IncomingImage>;
  if (label === 'replay') {
    const { driver, deviceId } = replayDriverFor(folder, 0);
    source = batchAsPages(driver, { deviceId, source: 'feeder', dpi: 300, mode: 'gray' }).pages;
  } else {
    source = (async function* () {
      for (const f of files) yield { bytes: readFileSync(f), mediaType: 'image/jpeg' };
    })();
  }
  const t0 = performance.now();
  const r = await session.ingest(source);
  const seconds = (performance.now() - t0) / 1000;
  await reader.close();
  if (!r.ok) throw new Error(r.error);
  const done = r.value.graded + r.value.needsReview + r.value.blankBacks + r.value.refused;
  return done / seconds;
}

const files = await run('files');
const replay = await run('replay');
out('files_pages_per_s', files, 'pages/s');
out('replay_pages_per_s', replay, 'pages/s', `>= ${(files * 0.9).toFixed(1)} (files − 10 %)`);
out('replay_vs_files_pct', (100 * (replay - files)) / files, '%', '>= -10');
