// What the refit of a page placed from three anchors costs (src/vision/refit.ts), in CPU time of this thread.
// Seeded torn-corner pages (the large top-left mark torn off), scanned turned and in perspective at 300 dpi, are
// read with the refit and with it off (geometry.refitTrustMm 0): the geometry stage holds the refit, the bubble stage
// reads the fields (searched ± 1 mm after a refit, ± 2.5 mm without). Also: how many pages were refitted, and how
// many mark fields went to review because of the placement. Run: node --import tsx bench/refit.bench.ts
// (BENCH_REFIT_PAGES, default 12).
import { seededRng } from '../src/domain/random';
import { zxingReaderWasm } from '../src/vision/decode';
import { pageFromGrey } from '../src/vision/page';
import { createZxingQrReader } from '../src/vision/qr';
import { readPage, type PageRead, type StageTimings } from '../src/vision/readPage';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from '../src/vision/settings';
import { drawPage, scanPage, type PageInk } from '../src/vision/testing/drawPage';
import { samplePage } from '../src/vision/testing/samplePage';
import { emit } from './lib/emit';

const DPI = 300;
const pages = Number(process.env.BENCH_REFIT_PAGES ?? 12);
const page = samplePage({ extraRows: 16 });
const qr = await createZxingQrReader(zxingReaderWasm());
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const off = VisionSettings.parse({ geometry: { refitTrustMm: 0 } });
const markKinds = new Set(['bubbles', 'digit_grid', 'score']);

type Run = { stages: StageTimings; refitted: boolean; anchorReviews: number };
const runs: Record<'on' | 'off', Run[]> = { on: [], off: [] };
for (let i = 0; i < pages; i++) {
  const rng = seededRng(`refit-bench-${i}`);
  const ink: PageInk[] = page.fields.flatMap((f) =>
    f.kind === 'bubbles' && rng() < 0.7 ? [{ kind: 'target' as const, fieldId: f.id, value: f.targets[Math.floor(rng() * f.targets.length)]!.value, style: 'full' as const }] : [],
  );
  const drawn = drawPage(page, { dpi: DPI, ink, marks: ['tr', 'br', 'bl'] });
  const k = DPI / 25.4;
  for (let y = 0; y < 30 * k; y++) for (let x = 0; x < 30 * k - y; x++) drawn.data[y * drawn.width + x] = 60;
  const scan = { rotateDeg: (rng() * 2 - 1) * 3, perspective: (rng() * 2 - 1) * 0.02, blurPx: 0.8, noise: 4, seed: i, background: 60 };
  const decoded = pageFromGrey(scanPage(drawn, scan), DPI);
  for (const [mode, settings] of [['on', DEFAULT_VISION_SETTINGS], ['off', off]] as const) {
    let read: PageRead | null = null;
    const samples: StageTimings[] = [];
    for (let rep = 0; rep < 3; rep++) {
      read = await readPage(decoded, { lookupPage: () => page, qr, settings, now: cpuMs });
      if (!read.ok) throw new Error(`page ${i} refused: ${read.detail}`);
      samples.push(read.timingsMs);
    }
    if (!read?.ok) continue;
    const median = Object.fromEntries((Object.keys(samples[0]!) as (keyof StageTimings)[]).map((s) => [s, samples.map((x) => x[s]).sort((a, b) => a - b)[1]!])) as StageTimings;
    const anchorReviews = read.fields.filter((f) => markKinds.has(f.kind) && f.reasons.includes('placed_from_anchors')).length;
    runs[mode].push({ stages: median, refitted: read.refit?.ok === true, anchorReviews });
  }
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const markFields = page.fields.filter((f) => markKinds.has(f.kind)).length * pages;
for (const mode of ['on', 'off'] as const) {
  const r = runs[mode];
  emit({ bench: 'refit', figure: `refit_${mode}_geometry_cpu_ms`, value: med(r.map((x) => x.stages.geometry)), unit: 'ms', note: `median over ${r.length} torn pages (300 dpi, CPU time): placement and refit` });
  emit({ bench: 'refit', figure: `refit_${mode}_bubbles_cpu_ms`, value: med(r.map((x) => x.stages.bubbles)), unit: 'ms', note: 'mark fields read' });
  emit({ bench: 'refit', figure: `refit_${mode}_total_cpu_ms`, value: med(r.map((x) => x.stages.total - x.stages.decode)), unit: 'ms', note: 'the read without decoding' });
  emit({ bench: 'refit', figure: `refit_${mode}_pages_refitted`, value: r.filter((x) => x.refitted).length, unit: 'pages', note: `of ${r.length}` });
  emit({ bench: 'refit', figure: `refit_${mode}_placed_from_anchors_pct`, value: (100 * r.reduce((s, x) => s + x.anchorReviews, 0)) / markFields, unit: '%', note: `of ${markFields} mark fields` });
}
