// Read-and-grade benchmarks. Prints one JSON line per figure.
//  - throughput: a 200-page 300 dpi greyscale JPEG stack, end to end (store → read → grade) on all cores;
//    p99 latency per page; time from the last page to the class results being ready.
//  - stage times: one worker, where a page's time goes (decode, marks, orientation, QR, bubbles, OCR, grade, write);
//    BENCH_CLOCK=cpu times them in CPU time. BENCH_READ=throughput | stages | accuracy | holdout | damage | combs runs one part.
//    BENCH_JPEG=colour: throughput and stages on the generator's colour JPEGs (default: grey, as scanned).
//  - accuracy: a synthetic corpus of ≥ 400 pages across degradations: pages identified, silent bubble
//    errors, fields sent to review, digit comb accuracy.
// The synthetic stacks are cached in bench/.cache (delete it to regenerate).
// BENCH_LIGHT_LEVEL=130,160: the synth's light pencil as grey [darkest, lightest] of 255 in the accuracy, holdout and
// damage corpora (default 150,180: src/synth/pen.ts LIGHT_INK_LEVEL); other levels are cached apart.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseRosterCsv } from '../src/domain/import/rosterCsv';
import { classAnalytics } from './lib/classResults';
import { combDays } from './lib/combDays';
import { sha256, storeImageDurably } from '../src/scan/imageStore';
import { gradePage } from '../src/scan/gradePage';
import { decodeImage, loadDigitNet, tesseractLangPath, zxingReaderWasm } from '../src/vision/decode';
import { createTesseractEngine } from '../src/vision/ocr';
import { createZxingQrReader } from '../src/vision/qr';
import { readPage, type StageTimings } from '../src/vision/readPage';
import { BLANK_SHARE_START, GREY_COARSE_FIRST_FROM, nextBlankShare } from '../src/scan/pageReader';
import { createReaderPool } from '../src/scan/readerPool';
import { greyJpegCopy } from './lib/throughputStack';
import { ScanSession } from '../src/scan/session';
import { REPO_ROOT } from '../src/station/context';
import { hash64 } from '../src/layout/hash';
import type { ImageTruth } from '../src/synth/truth';
import { LIGHT_INK_LEVEL, type LightInkLevel } from '../src/synth/pen';
import { printSet, writeStack } from '../tests/support/stack';
import { DEMO, tempStation } from '../tests/support/station';

const CACHE = join(REPO_ROOT, 'bench', '.cache');
const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'read', figure, value: Math.round(value * 1000) / 1000, unit, ...(goal ? { goal } : {}), ...extra }));

const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
if (!roster.ok) throw new Error('demo roster does not import');
const ctx = tempStation(roster.value);
const printed = await printSet(ctx, '7A', 60, 'bench-read');

async function stack(name: string, make: (folder: string) => Promise<unknown>): Promise<{ folder: string; truths: ImageTruth[] }> {
  // The cache is only valid for the same printed job (page ids are per station), so key it by the first page id and layout.
  const folder = join(CACHE, `${name}-${hash64(printed.pages.map((p) => p.pageId + p.layoutVersion).join()).slice(0, 10)}`);
  if (!existsSync(join(folder, 'truth.json'))) await make(folder);
  return { folder, truths: JSON.parse(readFileSync(join(folder, 'truth.json'), 'utf8')).images };
}

function lightLevelFromEnv(text: string | undefined): LightInkLevel | undefined {
  if (text === undefined) return undefined;
  const [darkest, lightest, ...rest] = text.split(',').map(Number);
  if (darkest === undefined || lightest === undefined || rest.length || !(darkest >= 0 && darkest <= lightest && lightest <= 255))
    throw new Error(`BENCH_LIGHT_LEVEL=${text}: give two grey levels darkest,lightest within 0..255, e.g. 130,160`);
  return darkest === LIGHT_INK_LEVEL[0] && lightest === LIGHT_INK_LEVEL[1] ? undefined : [darkest, lightest];
}
const lightInkLevel = lightLevelFromEnv(process.env.BENCH_LIGHT_LEVEL);
const light = lightInkLevel ? { key: `-light${lightInkLevel.join('-')}`, option: { lightInkLevel } } : { key: '', option: {} };

const imagesOf = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(folder, f));
// The throughput and stage parts read the stack as one-channel grey JPEGs, what the station's scanners send (it asks
// for Gray at 300 dpi: docs/scanners.md); BENCH_JPEG=colour reads the generator's three-channel JPEGs of the same grey
// pages instead. The accuracy corpora stay the generator's JPEGs unless BENCH_JPEG=grey.
const jpeg = process.env.BENCH_JPEG === 'colour' ? 'colour' : 'grey';
const corpusJpeg = process.env.BENCH_JPEG === 'grey' ? 'grey' : 'colour';
const throughputStackOf = async () => {
  const s = await stack('throughput-200', (folder) =>
    writeStack(ctx, folder, { pdf: printed.pdf, pages: printed.pages, seed: 'tp', dpi: 300, profile: 'typical', answers: 'mixed', count: 200 }),
  );
  return jpeg === 'grey' ? { ...s, folder: await greyJpegCopy(s.folder) } : s;
};

// ---- throughput ----------------------------------------------------------------------------
// BENCH_READ=accuracy skips this part (for tuning the reader).
const only = process.env.BENCH_READ;
// BENCH_WORKERS: vision workers (default one per core); BENCH_QUEUE: reads in flight per worker (default 2).
const workers = Number(process.env.BENCH_WORKERS) || availableParallelism();
const queuePerWorker = Number(process.env.BENCH_QUEUE) || 2;
const reader = createReaderPool({ dbPath: join(ctx.dir, 'station.db'), threads: workers });
if (only === undefined || only === 'throughput') {
const throughputStack = await throughputStackOf();
const files = imagesOf(throughputStack.folder);
const bytes = files.map((f) => readFileSync(f));
// Warm the workers (wasm, OCR engine) as a running station would have them.
await Promise.all(Array.from({ length: workers }, () => reader.read({ path: files[0]!, sha256: sha256(bytes[0]!), mediaType: 'image/jpeg' })));
const storedAt = new Map<number, number>();
const latencies: number[] = [];
let lastGradedAt = 0;
const session = new ScanSession({
  store: ctx.store, dataDir: ctx.dir, reader, grading: ctx.settings, actor: 'bench', clock: () => new Date(), maxInFlight: workers * queuePerWorker, rescan: true,
  onEvent: (e) => {
    const now = performance.now();
    if (e.type === 'scanned') storedAt.set(e.imageId, now);
    if (e.type === 'graded' || e.type === 'problem') {
      const t = storedAt.get(e.imageId);
      if (t !== undefined) latencies.push(now - t);
      lastGradedAt = now;
    }
  },
});
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// The main thread per page: busy (event loop not idle: storing, commits, grading, dispatch), and of that its CPU time
// and the time it was blocked (busy, neither running nor waiting for a core: waiting on the disk). The last two come
// from Linux's schedstat (on CPU, waiting on a run queue, in ns), so the load of other processes does not inflate them.
const mainThreadSched = () => {
  const [run, queued] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { runMs: run! / 1e6, queuedMs: queued! / 1e6 };
};
const elu0 = performance.eventLoopUtilization();
const sched0 = mainThreadSched();
let lastStoredAt = 0;
const result = await session.ingest((async function* () {
  for (const b of bytes) {
    yield { bytes: b, mediaType: 'image/jpeg' };
    lastStoredAt = performance.now();
  }
})());
const t1 = performance.now();
const cpu1 = process.cpuUsage(cpu0);
const elu = performance.eventLoopUtilization(elu0);
const sched1 = mainThreadSched();
const mainCpuMs = sched1.runMs - sched0.runMs;
const mainBlockedMs = Math.max(0, elu.active - mainCpuMs - (sched1.queuedMs - sched0.queuedMs));
if (!result.ok) throw new Error(result.error);
const report = classAnalytics(ctx, '7A', '2026-11-25');
const resultsReadyAt = performance.now();
latencies.sort((a, b) => a - b);
out('throughput_pages_per_s', bytes.length / ((t1 - t0) / 1000), 'pages/s', '>=20', { pages: bytes.length, cores: availableParallelism(), workers, in_flight: workers * queuePerWorker, jpeg });
// CPU time of the whole process (main thread, workers, libvips threads) per page: what bounds the rate on a quiet machine.
out('throughput_cpu_ms_per_page', (cpu1.user + cpu1.system) / 1000 / bytes.length, 'ms', undefined, { jpeg });
out('main_thread_ms_per_page', elu.active / bytes.length, 'ms', undefined, {
  event_loop_utilization: Math.round(elu.utilization * 1000) / 1000, cpu_ms_per_page: Math.round((100 * mainCpuMs) / bytes.length) / 100,
  blocked_ms_per_page: Math.round((100 * mainBlockedMs) / bytes.length) / 100,
});
// Database commits per page (a group commit holds several pages' writes), and the WAL's fsyncs (in libuv's pool).
out('commits_per_page', session.commits.commits / bytes.length, 'commits', undefined, { writes_per_commit: Math.round((100 * session.commits.writes) / Math.max(1, session.commits.commits)) / 100, wal_fsyncs_per_page: session.commits.fsyncs / bytes.length });
out('latency_p50_ms', latencies[Math.floor(latencies.length * 0.5)]!, 'ms');
out('latency_p99_ms', latencies[Math.floor(latencies.length * 0.99)]!, 'ms');
out('last_page_to_class_results_ms', resultsReadyAt - lastStoredAt, 'ms', '<2000', { grading_done_after_last_page_ms: Math.round(lastGradedAt - lastStoredAt), report_ms: Math.round(resultsReadyAt - t1), items: report.items });
out('stack_mb', bytes.reduce((s, b) => s + b.length, 0) / 1e6, 'MB');
}

// ---- stage times: one worker (this thread), where a page's time goes ---------------------------
// BENCH_READ=stages runs only this part.
if (only === undefined || only === 'stages') {
  const tp = await throughputStackOf();
  const qr = await createZxingQrReader(zxingReaderWasm());
  const ocr = await createTesseractEngine({ langPath: tesseractLangPath('eng') });
  const digits = loadDigitNet();
  const imagesDir = join(ctx.dir, 'stage-images');
  // BENCH_CLOCK=cpu times the stages in CPU time of this process (steadier than wall time on a busy machine).
  const cpuClock = process.env.BENCH_CLOCK === 'cpu';
  const now = cpuClock ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
  type Stages = StageTimings & { grade: number; write: number };
  const times = { workbook: [] as Stages[], blank_back: [] as Stages[] };
  // A duplex run first (each blank back after a workbook page, as an ADF gives one-sided pages), then workbook pages
  // alone; a grey JPEG is decoded as the pool's reader would choose from the blank share so far (src/scan/pageReader.ts).
  const workbooks = tp.truths.filter((t) => t.kind === 'workbook').slice(0, 40);
  const backs = tp.truths.filter((t) => t.kind === 'blank_back');
  const pick = [...workbooks.slice(0, backs.length).flatMap((w, k) => [w, backs[k]!]), ...workbooks.slice(backs.length)];
  let blankShare = BLANK_SHARE_START;
  for (const [i, truth] of [pick[0]!, ...pick].entries()) {
    const bytes = readFileSync(join(tp.folder, truth.fileName));
    const w0 = now();
    await storeImageDurably(imagesDir, bytes, 'image/jpeg');
    const write = now() - w0;
    const decoded = await decodeImage(bytes, { now, greyCoarseFirst: blankShare >= GREY_COARSE_FIRST_FROM });
    const read = await readPage(decoded, { lookupPage: (id) => ctx.store.printedPage(id), qr, ocr, digits, now });
    if (!read.ok) throw new Error(`${truth.fileName}: ${read.reason} ${read.detail}`);
    blankShare = nextBlankShare(blankShare, read.fields.length === 0);
    const g0 = now();
    gradePage(read.page, read.fields, (id) => ctx.store.item(id), ctx.settings, '2026-11-25');
    const grade = now() - g0;
    if (i > 0) times[truth.kind === 'blank_back' ? 'blank_back' : 'workbook'].push({ ...read.timingsMs, grade, write });
  }
  await ocr.terminate();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const stageNames = ['decode', 'blank', 'marks', 'orientation', 'qr', 'lookup', 'geometry', 'bubbles', 'ocr', 'grade', 'write'] as const;
  const stagesOf = (xs: Stages[]) => Object.fromEntries(stageNames.map((k) => [k, Math.round(median(xs.map((x) => x[k] ?? 0)) * 10) / 10]));
  out('blank_back_ms', median(times.blank_back.map((x) => x.total)), 'ms', '<=40', { clock: cpuClock ? 'cpu' : 'wall', jpeg, pages: times.blank_back.length, stages_median_ms: stagesOf(times.blank_back) });
  out('workbook_page_ms', median(times.workbook.map((x) => x.total)), 'ms', undefined, { pages: times.workbook.length, stages_median_ms: stagesOf(times.workbook) });
  for (const k of stageNames) out(`stage_${k}_ms`, median(times.workbook.map((x) => x[k] ?? 0)), 'ms', undefined, { blank_back: median(times.blank_back.map((x) => x[k] ?? 0)) });
}

// ---- accuracy ------------------------------------------------------------------------------
// BENCH_READ=holdout reads a second corpus with seeds never used while tuning the reader, instead.
const corpus = only === 'stages' || only === 'throughput' || only === 'damage' || only === 'combs' ? [] : only === 'holdout' ? [
  await stack(`hold-typical${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: 'hold-typical-7', profile: 'typical', answers: 'mixed', count: 200, foreignPages: 4, upsideDownRate: 0.25, ...light.option })),
  await stack(`hold-harsh${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: 'hold-harsh-7', profile: 'harsh', answers: 'mixed', count: 120, foreignPages: 3, upsideDownRate: 0.5, ...light.option })),
] : [
  await stack(`acc-clean${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: 'acc-clean', profile: 'clean', answers: 'mixed', count: 100, blankBacks: false, foreignPages: 3, ...light.option })),
  await stack(`acc-typical${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: 'acc-typical', profile: 'typical', answers: 'mixed', count: 200, foreignPages: 4, upsideDownRate: 0.25, ...light.option })),
  await stack(`acc-harsh${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: 'acc-harsh', profile: 'harsh', answers: 'mixed', count: 120, foreignPages: 3, upsideDownRate: 0.5, ...light.option })),
];
// BENCH_JPEG=grey reads the corpus as one-channel JPEGs too (re-encoded from the decoded grey at each page's quality).
if (corpusJpeg === 'grey') for (const c of corpus) c.folder = await greyJpegCopy(c.folder);
type Tally = { pages: number; identified: number; misidentified: number; foreign: number; foreignRefused: number; bubbleFields: number; bubbleTargets: number; silentBubbleErrors: number; fields: number; review: number; combs: number; combCorrect: number; combAutoCorrect: number; combSilentWrong: number };
const tally: Tally = { pages: 0, identified: 0, misidentified: 0, foreign: 0, foreignRefused: 0, bubbleFields: 0, bubbleTargets: 0, silentBubbleErrors: 0, fields: 0, review: 0, combs: 0, combCorrect: 0, combAutoCorrect: 0, combSilentWrong: 0 };
const byProfile: Record<string, Tally> = {};
let markFieldsToReview = 0; // bubbles, digit grids and score boxes sent to review
const normNumber = (s: string | null) => (s === null ? null : Number.isFinite(Number(s)) ? String(Number(s)) : s);
const profileOf = (folder: string) => folder.split('/').pop()!.split('-').slice(0, 2).join('-');
// Why mark fields went to review, per profile, by reason kind ('marginal_mark:B' → marginal_mark; erased:X and point_implied are evidence only).
const markReviewReasons: Record<string, Record<string, number>> = {};
const countReviewReasons = (profile: string, reasons: readonly string[]) => {
  const counts = (markReviewReasons[profile] ??= {});
  for (const kind of new Set(reasons.map((x) => x.split(':')[0]!).filter((k) => k !== 'erased' && k !== 'point_implied'))) counts[kind] = (counts[kind] ?? 0) + 1;
};
const silentExamples: string[] = [];
// BENCH_DUMP=file.json writes every comb reading with its truth (for tuning the OCR decision).
const combDump: unknown[] = [];
// Combs per kind of answer (a text comb is 'text'; a digit comb's number is integer, signed, decimal or fraction): to review, why, and which reader read them.
type CombKind = { combs: number; review: number; silent: number; byReader: Record<string, number>; byProfile: Record<string, number[]>; reasons: Record<string, number> };
const combKinds: Record<string, CombKind> = {};
const combKindOf = (charset: string | undefined, text: string | null) =>
  text === null ? 'blank' : charset === 'text' ? 'text' : text.includes('/') ? 'fraction' : text.includes('.') ? 'decimal' : text.startsWith('-') ? 'signed' : 'integer';
for (const { folder, truths } of corpus) {
  const t: Tally = { ...tally, pages: 0, identified: 0, misidentified: 0, foreign: 0, foreignRefused: 0, bubbleFields: 0, bubbleTargets: 0, silentBubbleErrors: 0, fields: 0, review: 0, combs: 0, combCorrect: 0, combAutoCorrect: 0, combSilentWrong: 0 };
  for (const truth of truths) {
    const path = join(folder, truth.fileName);
    const read = await reader.read({ path, sha256: sha256(readFileSync(path)), mediaType: 'image/jpeg' });
    if (truth.kind === 'foreign' || (truth.kind === 'blank_back' && !truth.pageId)) {
      t.foreign++;
      if (!read.ok) t.foreignRefused++;
      continue;
    }
    t.pages++;
    if (!read.ok || read.pageId !== truth.pageId) {
      if (read.ok) t.misidentified++;
      continue;
    }
    t.identified++;
    const fields = new Map(read.fields.map((f) => [f.fieldId, f]));
    for (const f of truth.fields) {
      if (f.kind === 'write_in') continue;
      const r = fields.get(f.fieldId);
      if (!r) continue;
      t.fields++;
      if (r.status === 'review') t.review++;
      const expected =
        f.kind === 'bubbles' ? (f.marked.length ? f.marked.join(',') : null) : f.kind === 'digit_grid' ? f.text : f.kind === 'score' ? f.marked : f.text || null;
      if (f.kind === 'comb') {
        const charset = (printed.pages.find((p) => p.pageId === truth.pageId)?.fields.find((x) => x.id === f.fieldId) as { charset?: string } | undefined)?.charset;
        const ck = (combKinds[combKindOf(charset, expected)] ??= { combs: 0, review: 0, silent: 0, byReader: {}, byProfile: {}, reasons: {} });
        const ckProfile = (ck.byProfile[profileOf(folder)] ??= [0, 0]);
        const readerOf = (r.evidence as { readings?: unknown } | undefined)?.readings ? 'ocr' : 'net';
        ck.combs++;
        ckProfile[0]!++;
        ck.byReader[readerOf] = (ck.byReader[readerOf] ?? 0) + 1;
        if (r.status === 'review') {
          ck.review++;
          ckProfile[1]!++;
          for (const x of r.reasons) ck.reasons[x] = (ck.reasons[x] ?? 0) + 1;
        } else if (r.value !== expected) ck.silent++;
        combDump.push({ file: truth.fileName, profile: profileOf(folder), charset, fieldId: f.fieldId, truth: expected, value: r.value, status: r.status, reasons: r.reasons, ...(r.evidence as { readings?: unknown; candidates?: unknown } | undefined) });
        t.combs++;
        if (r.value === expected) t.combCorrect++;
        if (r.status !== 'review' && r.value === expected) t.combAutoCorrect++;
        if (r.status !== 'review' && r.value !== expected) t.combSilentWrong++;
        continue;
      }
      t.bubbleFields++;
      if (r.status === 'review') {
        markFieldsToReview++;
        countReviewReasons(profileOf(folder), r.reasons);
      }
      t.bubbleTargets += f.kind === 'digit_grid' ? f.columns.length * 10 : f.kind === 'bubbles' ? (printed.pages.find((p) => p.pageId === truth.pageId)?.fields.find((x) => x.id === f.fieldId) as { targets?: unknown[] } | undefined)?.targets?.length ?? 4 : 4;
      const got = f.kind === 'digit_grid' ? normNumber(r.value) : r.value;
      const want = f.kind === 'digit_grid' ? normNumber(expected) : expected;
      if (r.status !== 'review' && got !== want) {
        t.silentBubbleErrors++;
        if (silentExamples.length < 10) silentExamples.push(`${truth.fileName} ${f.fieldId}: read ${r.value} truth ${expected}`);
      }
    }
  }
  byProfile[profileOf(folder)] = t;
  for (const k of Object.keys(tally) as (keyof Tally)[]) tally[k] += t[k];
}
if (only === undefined || only === 'damage') await damageProfiles();
// BENCH_READ=combs runs only this part: the comb network over five simulated days of a 40-student class.
if (only === undefined || only === 'combs') await combDays(out);
await reader.close();
if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify(combDump));
if (corpus.length > 0) {
out('corpus_pages', tally.pages, 'pages', '>=400', { foreign_and_unprinted: tally.foreign });
out('pages_identified_pct', (100 * tally.identified) / tally.pages, '%', '100', { misidentified: tally.misidentified });
out('foreign_refused_pct', (100 * tally.foreignRefused) / Math.max(1, tally.foreign), '%', '100');
out('silent_bubble_errors', tally.silentBubbleErrors, 'fields', '0', { over_bubbles: tally.bubbleTargets, bubble_fields: tally.bubbleFields, examples: silentExamples });
out('fields_to_review_pct', (100 * tally.review) / tally.fields, '%', '<=1', { fields: tally.fields });
out('mark_fields_to_review_pct', (100 * markFieldsToReview) / Math.max(1, tally.bubbleFields), '%', '<=1', { mark_fields: tally.bubbleFields, light_ink_level: lightInkLevel ?? LIGHT_INK_LEVEL });
out('silent_errors_all_fields', tally.silentBubbleErrors + tally.combSilentWrong, 'fields', '0', { fields: tally.fields });
out('comb_read_correct_pct', (100 * tally.combCorrect) / Math.max(1, tally.combs), '%', undefined, { combs: tally.combs, auto_accepted_correct: tally.combAutoCorrect, silent_wrong: tally.combSilentWrong });
out('comb_review_pct', (100 * (tally.combs - tally.combAutoCorrect - tally.combSilentWrong)) / Math.max(1, tally.combs), '%', undefined, { combs: tally.combs });
for (const [kind, k] of Object.entries(combKinds))
  out(`comb_review_pct_${kind}`, (100 * k.review) / Math.max(1, k.combs), '%', undefined, {
    combs: k.combs, silent: k.silent, read_by: k.byReader, reasons: k.reasons,
    by_profile: Object.fromEntries(Object.entries(k.byProfile).map(([p, [n, rv]]) => [p, `${rv}/${n}`])),
  });
for (const [name, t] of Object.entries(byProfile))
  out(`profile_${name}`, (100 * t.identified) / Math.max(1, t.pages), '% identified', undefined, { pages: t.pages, silent: t.silentBubbleErrors, review_pct: Math.round((1000 * t.review) / Math.max(1, t.fields)) / 10, mark_fields: t.bubbleFields, mark_review_reasons: markReviewReasons[name] ?? {} });
}

// ---- damage profiles (issue 13): dark erasures at three residue greys, damaged registration marks -------------
// BENCH_READ=damage runs only this part. Mark fields (bubbles, digit grids, score boxes): silently wrong and to review;
// pages identified (every damaged-mark page keeps at least three anchors: marks and the QR).
async function damageProfiles(): Promise<void> {
  const stacks = [
    ...[0.75, 0.8, 0.85].map((grey) => ({ name: `dark-erasure-${grey * 100}`, o: { damageProfile: 'dark-erasure' as const, erasureGrey: [grey, grey] as const } })),
    { name: 'damaged-mark', o: { damageProfile: 'damaged-mark' as const } },
  ];
  for (const { name, o } of stacks) {
    const halves = await Promise.all(['typical', 'harsh'].map((profile) =>
      stack(`${name}-${profile}${light.key}`, (f) => writeStack(ctx, f, { pdf: printed.pdf, pages: printed.pages, seed: `${name}-${profile}`, profile: profile as 'typical', answers: 'mixed', count: 40, ...o, ...light.option })),
    ));
    const n = { pages: 0, identified: 0, markFields: 0, markReview: 0, silent: 0, damagedFields: 0, damagedSilent: 0 };
    const wrongExamples: string[] = [];
    for (const { folder, truths } of halves)
      for (const truth of truths) {
        if (truth.kind !== 'workbook') continue;
        n.pages++;
        const path = join(folder, truth.fileName);
        const read = await reader.read({ path, sha256: sha256(readFileSync(path)), mediaType: 'image/jpeg' });
        if (!read.ok || read.pageId !== truth.pageId) continue;
        n.identified++;
        const erased = new Set((truth.damage ?? []).flatMap((d) => (d.kind === 'dark_erasure' ? [d.fieldId] : [])));
        for (const f of truth.fields) {
          if (f.kind === 'write_in' || f.kind === 'comb') continue;
          const r = read.fields.find((x) => x.fieldId === f.fieldId);
          if (!r) continue;
          const want = f.kind === 'bubbles' ? (f.marked.length ? f.marked.join(',') : null) : f.kind === 'digit_grid' ? f.text : f.marked;
          const got = f.kind === 'digit_grid' ? normNumber(r.value) : r.value;
          const wrong = r.status !== 'review' && got !== (f.kind === 'digit_grid' ? normNumber(want) : want);
          n.markFields++;
          if (r.status === 'review') {
            n.markReview++;
            countReviewReasons(name, r.reasons);
          }
          if (wrong) n.silent++;
          if (wrong && wrongExamples.length < 5) wrongExamples.push(`${truth.fileName} ${f.fieldId}: read ${r.value} truth ${want}`);
          if (erased.has(f.fieldId)) {
            n.damagedFields++;
            if (wrong) n.damagedSilent++;
          }
        }
      }
    out(`profile_${name}_silent_mark_errors`, n.silent, 'fields', '0', { mark_fields: n.markFields, erased_fields: n.damagedFields, erased_fields_silent: n.damagedSilent, examples: wrongExamples });
    out(`profile_${name}_mark_fields_to_review_pct`, (100 * n.markReview) / Math.max(1, n.markFields), '%', undefined, { mark_fields: n.markFields, light_ink_level: lightInkLevel ?? LIGHT_INK_LEVEL, mark_review_reasons: markReviewReasons[name] ?? {} });
    out(`profile_${name}_pages_identified_pct`, (100 * n.identified) / Math.max(1, n.pages), '%', '100', { pages: n.pages });
  }
}
