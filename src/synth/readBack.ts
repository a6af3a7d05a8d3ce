/**
 * The read-back self-test of one printed layout: its page is rendered at each test resolution,
 * filled with a known answer pattern by the simulated pen, read by the real reader and compared
 * field by field. Exact means every field read to the filled value with no review.
 *
 * Each resolution is read with its own pattern, and the patterns mark different targets: a choice of
 * up to three options has every option read both marked and unmarked (of more, the first three are
 * read marked, all unmarked); a multiple choice and a comb alternate their targets and boxes; a digit
 * grid gets a different number each time, with and without sign and point.
 */
import { seededRng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { BubbleField, DigitGridField, Field, PrintedPage } from '../layout/printedPage';
import type { GreyImage } from '../vision/image';
import { canonicalNumber, type FieldRead } from '../vision/interpret';
import { pageFromGrey } from '../vision/page';
import type { QrReader } from '../vision/qr';
import { readPage } from '../vision/readPage';
import { DEFAULT_VISION_SETTINGS, type VisionSettings } from '../vision/settings';
import { canWrite, sampleWriter, writeInBoxes, writeLine } from './handwriting';
import { cloneImage } from './image';
import { markTarget, type Tool } from './pen';

/** The scan resolutions a layout must read back at: a low-cost scanner's, the middle, the station's default. */
export const READ_BACK_DPIS = [150, 200, 300] as const;
/** Answer patterns read at each resolution (each resolution gets its own patterns). */
export const PATTERNS_PER_DPI = 1;

/** Why one field (or, with fieldId null, the whole page) did not read back at one resolution. */
export type ReadBackFailure = { dpi: number; pattern: number; fieldId: string | null; itemId: string | null; problem: string };

/** The result of one layout: how many reads it took and what failed (none: it passed). */
export type LayoutReadBack = { layoutVersion: string; pageId: string; reads: number; failures: ReadBackFailure[] };

type Mark = { x: number; y: number; r: number; shape: 'circle' | 'square'; value: string };
/** What the pen does for one pattern, and what the reader must make of it. */
export type PatternPlan = {
  marks: { target: Mark; tool: Tool; style: 'full' | 'tick' }[];
  writes: { chars: string[]; boxes: { x: number; y: number; w: number; h: number }[] }[];
  lines: { text: string; x: number; y: number; h: number }[];
  expected: FieldExpectation[];
};
/** A mark or write-in field's value and status, or a comb's boxes: which are written, which empty. */
export type FieldExpectation =
  | { fieldId: string; itemId: string; kind: 'value'; value: string | null; status: 'ok' | 'blank' }
  | { fieldId: string; itemId: string; kind: 'boxes'; written: boolean[] };

/** Pattern k (0-based over every resolution): the targets marked, the boxes written, the reads expected. */
export function planPattern(page: PrintedPage, k: number): PatternPlan {
  const plan: PatternPlan = { marks: [], writes: [], lines: [], expected: [] };
  const pen: Tool = k % 2 === 0 ? 'ballpoint' : 'pencil';
  for (const f of page.fields) planField(plan, f, k, pen);
  return plan;
}

function planField(plan: PatternPlan, f: Field, k: number, pen: Tool): void {
  const base = { fieldId: f.id, itemId: f.itemId };
  switch (f.kind) {
    case 'bubbles': {
      const marked = chosenTargets(f, k);
      for (const t of marked) plan.marks.push({ target: t, tool: pen, style: 'full' });
      plan.expected.push({ ...base, kind: 'value', value: marked.length ? marked.map((t) => t.value).join(',') : null, status: marked.length ? 'ok' : 'blank' });
      return;
    }
    case 'score': {
      const t = f.targets[k % f.targets.length]!;
      plan.marks.push({ target: t, tool: 'red_pen', style: 'tick' });
      plan.expected.push({ ...base, kind: 'value', value: t.value, status: 'ok' });
      return;
    }
    case 'digit_grid': {
      const { marks, chars, value } = gridNumber(f, k);
      for (const t of marks) plan.marks.push({ target: t, tool: pen, style: 'full' });
      plan.writes.push({ chars, boxes: f.boxes });
      plan.expected.push({ ...base, kind: 'value', value, status: 'ok' });
      return;
    }
    case 'comb': {
      const written = f.boxes.map((_, i) => (i + k) % 2 === 0);
      plan.writes.push({ chars: written.map((w, i) => (w ? String((i + k) % 10) : '')), boxes: f.boxes });
      plan.expected.push({ ...base, kind: 'boxes', written });
      return;
    }
    case 'write_in': {
      const written = k % 2 === 1;
      if (written) plan.lines.push({ text: '23 x 4 = 92', x: f.box.x + 3, y: f.box.y + 2, h: Math.min(5, Math.max(2.5, f.box.h / 6)) });
      plan.expected.push({ ...base, kind: 'value', value: null, status: written ? 'ok' : 'blank' });
      return;
    }
    default:
      throwIllegalValue(f, 'field kind');
  }
}

/** One option of a choice (each pattern the next); every other option of a multiple choice, alternating. */
function chosenTargets(f: BubbleField, k: number): Mark[] {
  if (!f.multi) return [f.targets[k % f.targets.length]!];
  return f.targets.filter((_, i) => (i + k) % 2 === 0);
}

/**
 * A number for a digit grid: every digit column marked (a different digit each pattern), the sign
 * and point in every other pattern. The first and last digit are never 0, so no column is dropped
 * as a leading or trailing zero and each must be read.
 */
function gridNumber(f: DigitGridField, k: number): { marks: Mark[]; chars: string[]; value: string } {
  const digitColumns = f.columns.flatMap((c, i) => (c.role === 'digit' ? [i] : []));
  const pointAt = f.columns.findIndex((c) => c.role === 'point');
  const withSignAndPoint = k % 2 === 0;
  const marks: Mark[] = [];
  const chars: string[] = [];
  let ints = '';
  let decs = '';
  f.columns.forEach((col, i) => {
    let value: string | null = null;
    if (col.role === 'digit') {
      const j = digitColumns.indexOf(i);
      let d = (j + 3 * k + 1) % 10;
      if (d === 0 && (j === 0 || j === digitColumns.length - 1)) d = (k % 9) + 1;
      value = String(d);
      if (pointAt >= 0 && i > pointAt) decs += value;
      else ints += value;
    } else if (withSignAndPoint) value = col.role === 'sign' ? '-' : '.';
    const target = value === null ? undefined : col.targets.find((t) => t.value === value);
    if (target) marks.push(target);
    chars.push(target && canWrite(value!) ? value! : '');
  });
  const signed = withSignAndPoint && f.columns.some((c) => c.role === 'sign');
  return { marks, chars, value: canonicalNumber(signed, ints, decs) };
}

/** Draws a pattern onto a rendered page (page pixels at dpi). Seeded: the same page and pattern draw the same. */
export function drawPattern(img: GreyImage, plan: PatternPlan, dpi: number, seed: string): void {
  const rng = seededRng(seed);
  for (const m of plan.marks) markTarget(img, m.target, m.style, { dpi, rng, tool: m.tool });
  const writer = sampleWriter(rng, 'ballpoint');
  for (const w of plan.writes) writeInBoxes(img, w.chars, w.boxes, writer, { dpi, rng });
  for (const l of plan.lines) writeLine(img, l.text, l.x, l.y, l.h, writer, { dpi, rng });
}

/** Why a read differs from what was filled, or null when it is exact. */
export function readProblem(expected: FieldExpectation, read: FieldRead | undefined, settings: VisionSettings): string | null {
  if (!read) return 'not read';
  if (expected.kind === 'boxes') {
    const { minInkMm2, blankMaxInkMm2 } = settings.handwriting;
    const wrong = expected.written.flatMap((w, i) => {
      const ink = read.evidence.fills.find((x) => x.value === `box${i}`)?.fill;
      if (ink === undefined) return [`box ${i + 1} not measured`];
      if (w && ink < minInkMm2) return [`box ${i + 1} written, found ${ink} mm² of ink`];
      if (!w && ink > blankMaxInkMm2) return [`box ${i + 1} empty, found ${ink} mm² of ink`];
      return [];
    });
    return wrong.length ? wrong.join('; ') : null;
  }
  if (read.value === expected.value && read.status === expected.status) return null;
  const filled = expected.value === null ? (expected.status === 'blank' ? 'left empty' : 'written') : `filled ${expected.value}`;
  const got = read.value === null ? read.status : `${read.value} (${read.status})`;
  const reasons = read.reasons.length > 4 ? [...read.reasons.slice(0, 4), `… (${read.reasons.length} reasons)`] : read.reasons;
  return `${filled}, read ${got}${reasons.length ? `: ${reasons.join(', ')}` : ''}`;
}

export type ReadBackDeps = {
  /** The page rendered at a resolution (paper's top-left at pixel 0,0), as printed. */
  render: (dpi: number) => GreyImage;
  qr: QrReader;
  settings?: VisionSettings;
};

/** Renders, fills, reads and compares one layout at every test resolution and pattern. */
export async function readBackPage(page: PrintedPage, deps: ReadBackDeps): Promise<LayoutReadBack> {
  const settings = deps.settings ?? DEFAULT_VISION_SETTINGS;
  const failures: ReadBackFailure[] = [];
  let reads = 0;
  for (const [d, dpi] of READ_BACK_DPIS.entries()) {
    const printed = deps.render(dpi);
    for (let p = 0; p < PATTERNS_PER_DPI; p++) {
      const k = d * PATTERNS_PER_DPI + p;
      const plan = planPattern(page, k);
      const img = cloneImage(printed);
      drawPattern(img, plan, dpi, `${page.layoutVersion}/${k}`);
      reads++;
      const read = await readPage(pageFromGrey(img, dpi, settings), { lookupPage: (id) => (id === page.pageId ? page : null), qr: deps.qr, settings });
      if (!read.ok) {
        failures.push({ dpi, pattern: k, fieldId: null, itemId: null, problem: `page not read: ${read.reason} (${read.detail})` });
        continue;
      }
      const byField = new Map(read.fields.map((f) => [f.fieldId, f]));
      for (const e of plan.expected) {
        const problem = readProblem(e, byField.get(e.fieldId), settings);
        if (problem) failures.push({ dpi, pattern: k, fieldId: e.fieldId, itemId: e.itemId, problem });
      }
    }
  }
  return { layoutVersion: page.layoutVersion, pageId: page.pageId, reads, failures };
}
