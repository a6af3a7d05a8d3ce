// Why mark fields go to review, field by field (issue 13): reads bench:read's cached synthetic stacks (run the bench once
// first) and prints, for each mark field sent to review or read wrong, every target's fill, dark ink, spread and shape,
// the page's empty and writer levels, the pens that touched it and the page's scan profile.
//   node --import tsx tools/markReviews.ts dump <accuracy|damage|holdout> out.json   (reads the stacks, ~minutes)
//   node --import tsx tools/markReviews.ts show out.json ['{"bubbles":{...}}']          (re-decides offline with settings)
// `show` decides again from the dumped measurements (digit grids without their handwriting boxes), so a threshold can
// be moved and its effect seen in seconds; the bench gives the final figures.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BubbleField, DigitGridField, Field, PrintedPage } from '../src/layout/printedPage';
import { parseRosterCsv } from '../src/domain/import/rosterCsv';
import { sha256 } from '../src/scan/imageStore';
import { createReaderPool } from '../src/scan/readerPool';
import { REPO_ROOT } from '../src/station/context';
import type { FieldTruth, ImageTruth } from '../src/synth/truth';
import type { TargetsMeasure } from '../src/vision/bubbles';
import { interpretBubbles, interpretDigitGrid, pageFillStats, type FieldRead } from '../src/vision/interpret';
import { VisionSettings } from '../src/vision/settings';
import { printSet } from '../tests/support/stack';
import { DEMO, tempStation } from '../tests/support/station';

type Dumped = { profile: string; file: string; scan: unknown; damage: unknown; field: Field; truth: FieldTruth; read: Omit<FieldRead, 'kind'> };

const STACKS: Record<string, string[]> = {
  accuracy: ['acc-clean', 'acc-typical', 'acc-harsh'],
  holdout: ['hold-typical', 'hold-harsh'],
  damage: ['dark-erasure-75', 'dark-erasure-80', 'dark-erasure-85', 'damaged-mark'].flatMap((n) => [`${n}-typical`, `${n}-harsh`]),
};

const isMark = (f: Field): f is BubbleField | DigitGridField => f.kind === 'bubbles' || f.kind === 'digit_grid';
const normNumber = (s: string | null) => (s === null ? null : Number.isFinite(Number(s)) ? String(Number(s)) : s);
const expectedOf = (t: FieldTruth) => (t.kind === 'bubbles' ? (t.marked.length ? t.marked.join(',') : null) : t.kind === 'digit_grid' ? normNumber(t.text) : null);
const gotOf = (r: Pick<FieldRead, 'kind' | 'value'>) => (r.kind === 'digit_grid' ? normNumber(r.value) : r.value);

async function dump(which: string, outFile: string): Promise<void> {
  const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
  if (!roster.ok) throw new Error('demo roster does not import');
  const ctx = tempStation(roster.value);
  const printed = await printSet(ctx, '7A', 60, 'bench-read');
  const pages = new Map<string, PrintedPage>(printed.pages.map((p) => [p.pageId, p]));
  const reader = createReaderPool({ dbPath: join(ctx.dir, 'station.db'), ocr: false });
  const cache = join(REPO_ROOT, 'bench', '.cache');
  const rows: Dumped[] = [];
  for (const name of STACKS[which] ?? []) {
    const folder = readdirSync(cache).find((f) => f.startsWith(`${name}-`) && !f.endsWith('-grey') && /-[0-9a-f]{10}$/.test(f) && f.length === name.length + 11);
    if (!folder || !existsSync(join(cache, folder, 'truth.json'))) throw new Error(`${name}: no cached stack (run bench:read first)`);
    const truths = JSON.parse(readFileSync(join(cache, folder, 'truth.json'), 'utf8')).images as ImageTruth[];
    const reads = await Promise.all(truths.map(async (truth) => {
      if (truth.kind !== 'workbook') return null;
      const path = join(cache, folder, truth.fileName);
      const read = await reader.read({ path, sha256: sha256(readFileSync(path)), mediaType: 'image/jpeg' });
      return read.ok && read.pageId === truth.pageId ? { truth, read } : null;
    }));
    for (const x of reads) {
      if (!x) continue;
      const page = pages.get(x.truth.pageId!)!;
      for (const truth of x.truth.fields) {
        const field = page.fields.find((f) => f.id === truth.fieldId);
        const read = x.read.fields.find((r) => r.fieldId === truth.fieldId);
        if (!field || !read || !isMark(field)) continue;
        // The worker's evidence is the FieldRead's (typed unknown across the thread boundary).
        rows.push({ profile: name, file: x.truth.fileName, scan: x.truth.scan, damage: x.truth.damage, field, truth, read: read as Omit<FieldRead, 'kind'> });
      }
    }
    console.error(`${name}: ${rows.length} mark fields so far`);
  }
  await reader.close();
  writeFileSync(outFile, JSON.stringify(rows));
}

/** The dumped evidence back as measurements (positions are not needed to decide). */
function measureOf(fills: FieldRead['evidence']['fills']): TargetsMeasure {
  const at = { x: 0, y: 0 };
  return { offset: at, alignment: 1, fills: fills.map((f) => ({ ...f, dark: f.dark ?? 0, spread: f.spread ?? 0, expected: at, found: at, radiusPx: 10, paper: 255 })) };
}

/** Reasons the page gives, not the marks (a field placed from anchors, a streak across it): kept as the reader gave them. */
const PAGE_REASONS = ['placed_from_anchors', 'scanner_streak'];

function redecide(row: Dumped, pageFills: number[], settings: VisionSettings): FieldRead {
  const read = decide(row, pageFills, settings);
  const kept = row.read.reasons.filter((r) => PAGE_REASONS.includes(r));
  return kept.length > 0 ? { ...read, status: 'review', reasons: [...kept, ...read.reasons] } : read;
}

function decide(row: Dumped, pageFills: number[], settings: VisionSettings): FieldRead {
  const page = pageFillStats(pageFills, settings.bubbles);
  if (row.field.kind === 'bubbles') return interpretBubbles(row.field, measureOf(row.read.evidence.fills), settings, page);
  const grid = row.field as DigitGridField;
  const columns = grid.columns.map((_, i) => measureOf(row.read.evidence.fills.filter((f) => f.value.startsWith(`${i}:`)).map((f) => ({ ...f, value: f.value.slice(f.value.indexOf(':') + 1) }))));
  // The boxes' ink is not in the evidence: a box the synthetic student wrote in stands for ink.
  const written = row.truth.kind === 'digit_grid' ? row.truth.boxes : [];
  const boxes = grid.boxes.map((_, i) => ({ crop: { x: 0, y: 0, w: 1, h: 1 }, inkFraction: written[i] ? 1 : 0, inkMm2: written[i] ? 100 : 0 }));
  return interpretDigitGrid(grid, columns, boxes, settings, page);
}

function show(file: string, overrides: string | undefined): void {
  const settings = VisionSettings.parse(overrides ? JSON.parse(overrides) : {});
  const rows = JSON.parse(readFileSync(file, 'utf8')) as Dumped[];
  const byProfile: Record<string, { fields: number; review: number; silent: number; reasons: Record<string, number> }> = {};
  // The page's statistics rest on every bubble and digit-grid target of the page, as in fields.ts.
  const pageFills = new Map<string, number[]>();
  for (const row of rows) pageFills.set(`${row.profile}/${row.file}`, [...(pageFills.get(`${row.profile}/${row.file}`) ?? []), ...row.read.evidence.fills.map((f) => f.fill)]);
  for (const row of rows) {
    const fills = pageFills.get(`${row.profile}/${row.file}`)!;
    const r = redecide(row, fills, settings);
    const p = (byProfile[row.profile] ??= { fields: 0, review: 0, silent: 0, reasons: {} });
    p.fields++;
    const wrong = r.status !== 'review' && gotOf(r) !== expectedOf(row.truth);
    if (r.status === 'review') {
      p.review++;
      for (const k of new Set(r.reasons.map((x) => x.split(':')[0]!).filter((k) => k !== 'erased' && k !== 'point_implied'))) p.reasons[k] = (p.reasons[k] ?? 0) + 1;
    }
    if (wrong) p.silent++;
    if (r.status !== 'review' && !wrong) continue;
    const stats = pageFillStats(fills, settings.bubbles);
    const pens = 'pens' in row.truth ? row.truth.pens.map((x) => `${x.column ?? ''}${x.column === undefined ? '' : ':'}${x.value}=${x.pen}`).join(' ') : '';
    const scan = row.scan as { blurSigmaPx: number; tone: { noiseSigma: number; contrast: number }; jpegQuality: number };
    console.log(`${wrong ? 'SILENT' : 'review'} ${row.profile} ${row.file} ${row.field.id} ${row.field.kind}${row.field.kind === 'bubbles' && row.field.multi ? ' multi' : ''}: read ${r.value} truth ${expectedOf(row.truth)} [${r.reasons.join(' ')}]`);
    console.log(`   page level ${stats.level.toFixed(3)} noise ${stats.noise.toFixed(3)} writer ${stats.writerLevel?.toFixed(3)} (${stats.writerMarks} marks); pens ${pens}; blur ${scan.blurSigmaPx.toFixed(2)} noise ${scan.tone.noiseSigma.toFixed(1)} q ${scan.jpegQuality}`);
    const touched = new Set(r.reasons.map((x) => x.split(':').slice(1).join(':')));
    for (const f of row.read.evidence.fills)
      if (f.fill >= 0.06 || touched.has(f.value))
        console.log(`     ${f.value.padEnd(5)} fill ${f.fill.toFixed(3)} dark ${(f.dark ?? 0).toFixed(3)} spread ${(f.spread ?? 0).toFixed(2)} even ${f.shape?.evenness.toFixed(2)} centre ${f.shape?.centre.toFixed(2)} grain ${f.shape?.grain.toFixed(2)}`);
  }
  for (const [name, p] of Object.entries(byProfile))
    console.log(JSON.stringify({ profile: name, mark_fields: p.fields, review_pct: Math.round((1000 * p.review) / p.fields) / 10, silent: p.silent, reasons: p.reasons }));
  const all = Object.values(byProfile).reduce((a, p) => ({ fields: a.fields + p.fields, review: a.review + p.review, silent: a.silent + p.silent }), { fields: 0, review: 0, silent: 0 });
  console.log(JSON.stringify({ profile: 'all', mark_fields: all.fields, review_pct: Math.round((1000 * all.review) / all.fields) / 10, silent: all.silent }));
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'dump' && a && b) await dump(a, b);
else if (mode === 'show' && a) show(a, b);
else console.error('usage: markReviews.ts dump <accuracy|damage|holdout> out.json | show out.json [settings-json]');
