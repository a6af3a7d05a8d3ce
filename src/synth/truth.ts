import { z } from 'zod';
import { DamageTruth } from './damageTruth';
import type { ItemInput } from '../domain/item';
import type { Rng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { BubbleField, CombField, DigitGridField, Field, PrintedPage, ScoreField } from '../layout/printedPage';
import { PageKind } from '../layout/printedPage';
import { canWrite } from './handwriting';
import { PEN_STYLES, type PenStyle } from './pen';

/**
 * What each synthetic image really shows: its page, the scan applied to it and, per field, the
 * answer the "student" intended and how every touched target was marked. Written as truth.json.
 */
export const TRUTH_FORMAT = 'paperloop.synth-truth/1';

const Pen = z.enum(PEN_STYLES);
/** One target touched by the pen. Selecting styles are full/partial/tick/cross/light; erasure and stray are not selections. */
const TargetPen = z.object({ value: z.string(), pen: Pen, column: z.number().int().optional() });
export type TargetPen = z.infer<typeof TargetPen>;

/** correct/incorrect: the answer was chosen against the answer key; random: no key used; blank: left empty. */
const Intent = z.enum(['correct', 'incorrect', 'random', 'blank']);
export type Intent = z.infer<typeof Intent>;

export const BubblesTruth = z.object({
  kind: z.literal('bubbles'), fieldId: z.string(), itemId: z.string(), multi: z.boolean(), intent: Intent,
  /** Values the student selected (selecting pen styles), in target order. Empty when blank. */
  marked: z.array(z.string()),
  pens: z.array(TargetPen),
});
export const DigitGridTruth = z.object({
  kind: z.literal('digit_grid'), fieldId: z.string(), itemId: z.string(), intent: Intent,
  /** The number as text ("-12.50"), null when blank. */
  text: z.string().nullable(),
  value: z.number().nullable(),
  /** Per column (left to right): the selected value or null. */
  columns: z.array(z.object({ role: z.enum(['sign', 'digit', 'point']), marked: z.string().nullable() })),
  /** Characters handwritten in the boxes above the grid, '' for an empty box. */
  boxes: z.array(z.string()),
  pens: z.array(TargetPen),
});
export const CombTruth = z.object({
  kind: z.literal('comb'), fieldId: z.string(), itemId: z.string(), intent: Intent,
  /** The handwritten string (left-aligned, one character per box). */
  text: z.string(),
  boxes: z.array(z.string()),
});
export const WriteInTruth = z.object({
  kind: z.literal('write_in'), fieldId: z.string(), itemId: z.string(),
  /** Lines of handwritten working, top to bottom; empty when nothing was written. */
  lines: z.array(z.string()),
});
export const ScoreTruth = z.object({
  kind: z.literal('score'), fieldId: z.string(), itemId: z.string(),
  /** The score the teacher marked, or null. */
  marked: z.string().nullable(),
  pen: z.enum(['tick', 'cross']).nullable(),
});
export const FieldTruth = z.discriminatedUnion('kind', [BubblesTruth, DigitGridTruth, CombTruth, WriteInTruth, ScoreTruth]);
export type FieldTruth = z.infer<typeof FieldTruth>;
export type BubblesTruth = z.infer<typeof BubblesTruth>;
export type DigitGridTruth = z.infer<typeof DigitGridTruth>;
export type CombTruth = z.infer<typeof CombTruth>;
export type WriteInTruth = z.infer<typeof WriteInTruth>;
export type ScoreTruth = z.infer<typeof ScoreTruth>;

const Num2 = z.tuple([z.number(), z.number()]);
export const ScanTruth = z.object({
  angleDeg: z.number(),
  flipped: z.boolean(),
  perspectiveMm: z.array(Num2).length(4),
  marginMm: z.number(),
  background: z.number(),
  blurSigmaPx: z.number(),
  tone: z.object({ brightness: z.number(), contrast: z.number(), noiseSigma: z.number(), saltPepper: z.number(), unevenness: z.number().optional() }),
  streak: z.object({ x: z.number(), width: z.number(), level: z.number() }).nullable(),
  jpegQuality: z.number(),
});

export const ImageTruth = z.object({
  fileName: z.string(),
  /** Position in the stack, 0-based. */
  index: z.number().int(),
  /** workbook: one of our printed pages; blank_back: the unprinted back of a sheet (or a printed blank back); foreign: not ours. */
  kind: z.enum(['workbook', 'blank_back', 'foreign']),
  /** The PrintedPage id, or null for unprinted backs and foreign pages. */
  pageId: z.string().nullable(),
  printedKind: PageKind.nullable(),
  /** 0-based page of the source PDF, or null. */
  pdfPage: z.number().int().nullable(),
  width: z.number().int(),
  height: z.number().int(),
  dpi: z.number(),
  scan: ScanTruth,
  /** Row-major 3×3 homography from paper millimetres to image pixels (pixel i covers [i, i+1)). */
  mmToImage: z.array(z.number()).length(9),
  fields: z.array(FieldTruth),
  /** Foreign pages: the text of the QR printed on them, if any, and whether corner squares were drawn. */
  foreign: z.object({ qrText: z.string().nullable(), cornerSquares: z.boolean() }).optional(),
  /** Unprinted backs: strength of the show-through of the front (0 none). */
  bleedThrough: z.number().optional(),
  /** Physical damage to the sheet before it was scanned (damage.ts). */
  damage: z.array(DamageTruth).optional(),
});
export type ImageTruth = z.infer<typeof ImageTruth>;

export const TruthFile = z.object({
  format: z.literal(TRUTH_FORMAT),
  seed: z.union([z.string(), z.number()]),
  dpi: z.number(),
  profile: z.string(),
  answers: z.string(),
  jobId: z.string().nullable(),
  images: z.array(ImageTruth),
});
export type TruthFile = z.infer<typeof TruthFile>;

// ---------------------------------------------------------------------------------------------
// Answer keys and answer planning (pure).

/** The correct answer of an item, as the generator needs it. */
export type KeyAnswer =
  | { kind: 'choice'; values: string[] }
  | { kind: 'number'; value: number }
  | { kind: 'text'; value: string }
  | { kind: 'score'; max: number };
export type AnswerKey = (itemId: string) => KeyAnswer | undefined;

export function keyAnswerOf(item: ItemInput): KeyAnswer {
  switch (item.type) {
    case 'single_choice':
      return { kind: 'choice', values: [item.answer] };
    case 'multiple_choice':
      return { kind: 'choice', values: [...item.answer] };
    case 'true_false':
      return { kind: 'choice', values: [item.answer ? 'T' : 'F'] };
    case 'numeric':
      return { kind: 'number', value: item.answer };
    case 'short_text':
      return { kind: 'text', value: item.answer[0] ?? '' };
    case 'open':
      return { kind: 'score', max: item.maxScore };
    default:
      return throwIllegalValue(item, 'item type');
  }
}

export function answerKeyFromItems(items: readonly ItemInput[]): AnswerKey {
  const byId = new Map(items.map((i) => [i.id, keyAnswerOf(i)]));
  return (id) => byId.get(id);
}

/** How students answer: from the key (all correct), at random, a mix, or not at all. */
export type AnswerMode = 'key' | 'random' | 'mixed' | 'blank';

/** How marks look: weights of the selecting pen styles and rates of the distractors. */
export type MarkingProfile = {
  styles: Record<'full' | 'partial' | 'tick' | 'cross' | 'light', number>;
  /** Probability that a bubble field also carries an erased (changed-mind) mark on an unselected target. */
  erasureRate: number;
  /** Probability that a bubble field gets a stray stroke near (outside) one of its targets. */
  strayRate: number;
  /** Probability that a field is left blank (not for 'key' answers). */
  blankRate: number;
  /** Probability that a number is padded with leading zeros in its grid. */
  leadingZeroRate: number;
  /** Probability that a digit grid's boxes are also written by hand. */
  writeBoxesRate: number;
  /** Probability that an open item's work box has working in it. */
  workRate: number;
  /** Probability that the teacher crosses (rather than ticks) the score box. */
  teacherCrossRate: number;
};

export const MARKINGS = {
  clean: { styles: { full: 1, partial: 0, tick: 0, cross: 0, light: 0 }, erasureRate: 0, strayRate: 0, blankRate: 0.03, leadingZeroRate: 0, writeBoxesRate: 1, workRate: 0.8, teacherCrossRate: 0 },
  typical: { styles: { full: 0.8, partial: 0.06, tick: 0.04, cross: 0.03, light: 0.07 }, erasureRate: 0.05, strayRate: 0.05, blankRate: 0.05, leadingZeroRate: 0.1, writeBoxesRate: 0.9, workRate: 0.85, teacherCrossRate: 0.2 },
  harsh: { styles: { full: 0.55, partial: 0.12, tick: 0.1, cross: 0.08, light: 0.15 }, erasureRate: 0.12, strayRate: 0.12, blankRate: 0.08, leadingZeroRate: 0.2, writeBoxesRate: 0.75, workRate: 0.9, teacherCrossRate: 0.3 },
} satisfies Record<string, MarkingProfile>;

export type PlanOptions = { answers: AnswerMode; correctRate: number; answerKey?: AnswerKey; marking: MarkingProfile };

function weighted<T extends string>(rng: Rng, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[0]![0];
}
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
function sample<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
  return out;
}

/** Decides correct / incorrect / random / blank for one field. */
function intentFor(rng: Rng, o: PlanOptions, hasKey: boolean, canBlank = true): Intent {
  switch (o.answers) {
    case 'blank':
      return 'blank';
    case 'key':
      return hasKey ? 'correct' : 'random';
    case 'random':
      return canBlank && rng() < o.marking.blankRate ? 'blank' : 'random';
    case 'mixed':
      if (canBlank && rng() < o.marking.blankRate) return 'blank';
      return hasKey ? (rng() < o.correctRate ? 'correct' : 'incorrect') : 'random';
    default:
      return throwIllegalValue(o.answers, 'answer mode');
  }
}

function planBubbles(f: BubbleField, rng: Rng, o: PlanOptions): BubblesTruth {
  const values = f.targets.map((t) => t.value);
  const key = o.answerKey?.(f.itemId);
  const keyValues = key?.kind === 'choice' && key.values.every((v) => values.includes(v)) && (f.multi || key.values.length === 1) ? key.values : null;
  let intent = intentFor(rng, o, keyValues !== null);
  let chosen: string[] = [];
  const randomPick = () => (f.multi ? sample(rng, values, int(rng, 1, Math.min(3, values.length))) : sample(rng, values, 1));
  if (intent === 'correct') chosen = [...keyValues!];
  else if (intent === 'random') chosen = randomPick();
  else if (intent === 'incorrect') {
    for (let i = 0; i < 20 && (chosen.length === 0 || sameSet(chosen, keyValues!)); i++) chosen = randomPick();
    if (sameSet(chosen, keyValues!)) intent = 'correct';
  }
  const marked = values.filter((v) => chosen.includes(v));
  const pens: TargetPen[] = marked.map((value) => ({ value, pen: weighted(rng, o.marking.styles) as PenStyle }));
  const free = values.filter((v) => !chosen.includes(v));
  if (intent !== 'blank' && free.length && rng() < o.marking.erasureRate) pens.push({ value: free[Math.floor(rng() * free.length)]!, pen: 'erasure' });
  if (rng() < o.marking.strayRate) pens.push({ value: values[Math.floor(rng() * values.length)]!, pen: 'stray' });
  return { kind: 'bubbles', fieldId: f.id, itemId: f.itemId, multi: f.multi, intent, marked, pens };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

type GridShape = { signed: boolean; intDigits: number; decimals: number };
function gridShape(f: DigitGridField): GridShape {
  const roles = f.columns.map((c) => c.role);
  const point = roles.indexOf('point');
  const digitsBefore = roles.slice(0, point < 0 ? roles.length : point).filter((r) => r === 'digit').length;
  return { signed: roles.includes('sign'), intDigits: digitsBefore, decimals: point < 0 ? 0 : roles.slice(point + 1).filter((r) => r === 'digit').length };
}

/** The number as the grid would hold it ("-12.50"), or null when it does not fit. */
export function formatForGrid(value: number, shape: GridShape): string | null {
  if (!Number.isFinite(value) || (value < 0 && !shape.signed)) return null;
  const body = Math.abs(value).toFixed(shape.decimals);
  const [intPart = '', decPart = ''] = body.split('.');
  if (intPart.length > shape.intDigits) return null;
  if (shape.decimals === 0 && Math.abs(Math.round(value) - value) > 1e-9) return null;
  return `${value < 0 && Number(body) !== 0 ? '-' : ''}${intPart}${shape.decimals > 0 ? `.${decPart}` : ''}`;
}

function randomGridNumber(rng: Rng, s: GridShape): string {
  const used = Math.max(1, s.intDigits - (rng() < 0.5 ? 0 : int(rng, 0, s.intDigits - 1)));
  let intPart = used === 1 ? String(int(rng, 0, 9)) : String(int(rng, 1, 9));
  while (intPart.length < used) intPart += String(int(rng, 0, 9));
  let dec = '';
  while (dec.length < s.decimals) dec += String(int(rng, 0, 9));
  const neg = s.signed && rng() < 0.35 && (Number(intPart) > 0 || /[1-9]/.test(dec));
  return `${neg ? '-' : ''}${intPart}${s.decimals ? `.${dec}` : ''}`;
}

function planDigitGrid(f: DigitGridField, rng: Rng, o: PlanOptions): DigitGridTruth {
  const shape = gridShape(f);
  const key = o.answerKey?.(f.itemId);
  const keyText = key?.kind === 'number' ? formatForGrid(key.value, shape) : null;
  let intent = intentFor(rng, o, keyText !== null);
  let text: string | null = null;
  if (intent === 'correct') text = keyText;
  else if (intent === 'random') text = randomGridNumber(rng, shape);
  else if (intent === 'incorrect') {
    for (let i = 0; i < 20 && (text === null || text === keyText); i++) text = randomGridNumber(rng, shape);
    if (text === keyText) intent = 'correct';
  }
  const columns: DigitGridTruth['columns'] = f.columns.map((c) => ({ role: c.role, marked: null }));
  if (text !== null) {
    const neg = text.startsWith('-');
    const [intPart = '', decPart = ''] = text.replace('-', '').split('.');
    const intCols = f.columns.map((c, i) => ({ c, i })).filter(({ c }, i) => c.role === 'digit' && (f.columns.findIndex((x) => x.role === 'point') < 0 || i < f.columns.findIndex((x) => x.role === 'point')));
    const decCols = f.columns.map((c, i) => ({ c, i })).filter(({ c }, i) => c.role === 'digit' && !intCols.some((x) => x.i === i));
    const pad = rng() < o.marking.leadingZeroRate;
    const padded = pad ? intPart.padStart(intCols.length, '0') : intPart;
    padded.split('').reverse().forEach((d, k) => {
      const col = intCols[intCols.length - 1 - k];
      if (col) columns[col.i]!.marked = d;
    });
    decPart.split('').forEach((d, k) => {
      const col = decCols[k];
      if (col) columns[col.i]!.marked = d;
    });
    f.columns.forEach((c, i) => {
      if (c.role === 'sign' && neg) columns[i]!.marked = '-';
      if (c.role === 'point' && decPart.length > 0) columns[i]!.marked = '.';
    });
  }
  const pens: TargetPen[] = [];
  columns.forEach((c, i) => {
    if (c.marked !== null) pens.push({ value: c.marked, pen: weighted(rng, o.marking.styles) as PenStyle, column: i });
  });
  const digitCols = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.role === 'digit');
  if (text !== null && digitCols.length && rng() < o.marking.erasureRate) {
    const { c, i } = digitCols[Math.floor(rng() * digitCols.length)]!;
    const others = '0123456789'.split('').filter((d) => d !== c.marked);
    pens.push({ value: others[Math.floor(rng() * others.length)]!, pen: 'erasure', column: i });
  }
  const writeBoxes = text !== null && f.boxes.length === f.columns.length && rng() < o.marking.writeBoxesRate;
  const boxes = f.boxes.map((_, i) => (writeBoxes ? (columns[i]?.marked ?? '') : ''));
  return { kind: 'digit_grid', fieldId: f.id, itemId: f.itemId, intent, text, value: text === null ? null : Number(text), columns, boxes, pens };
}

const TEXT_CHARS = '0123456789x=+-/.';
function randomCombText(rng: Rng, f: CombField): string {
  const n = int(rng, 1, f.boxes.length);
  if (f.charset === 'digits') {
    if (n >= 3 && rng() < 0.25) {
      const a = int(rng, 1, 9);
      return `${a}/${int(rng, a + 1, 9 + a)}`.slice(0, n);
    }
    let s = String(int(rng, n === 1 ? 0 : 1, 9));
    while (s.length < n) s += String(int(rng, 0, 9));
    return s;
  }
  let s = '';
  while (s.length < n) s += TEXT_CHARS[Math.floor(rng() * TEXT_CHARS.length)]!;
  return s;
}

function planComb(f: CombField, rng: Rng, o: PlanOptions): CombTruth {
  const key = o.answerKey?.(f.itemId);
  const keyText = key?.kind === 'text' && key.value.length <= f.boxes.length && key.value.length > 0 && canWrite(key.value) && !key.value.includes(' ') ? key.value : null;
  let intent = intentFor(rng, o, keyText !== null);
  let text = '';
  if (intent === 'correct') text = keyText!;
  else if (intent === 'random') text = randomCombText(rng, f);
  else if (intent === 'incorrect') {
    for (let i = 0; i < 20 && (text === '' || text === keyText); i++) text = randomCombText(rng, f);
    if (text === keyText) intent = 'correct';
  }
  const chars = [...text];
  return { kind: 'comb', fieldId: f.id, itemId: f.itemId, intent, text, boxes: f.boxes.map((_, i) => chars[i] ?? '') };
}

function workLine(rng: Rng): string {
  const a = int(rng, 2, 99);
  const b = int(rng, 2, 19);
  const op = ['x', '+', '-', '/'][int(rng, 0, 3)]!;
  const r = op === 'x' ? a * b : op === '+' ? a + b : op === '-' ? a - b : Math.round((a / b) * 10) / 10;
  return `${a}${op}${b}=${r}`;
}

function planScore(f: ScoreField, rng: Rng, o: PlanOptions): ScoreTruth {
  if (o.answers === 'blank' || f.targets.length === 0) return { kind: 'score', fieldId: f.id, itemId: f.itemId, marked: null, pen: null };
  const n = f.targets.length;
  const idx = o.answers === 'key' ? n - 1 : Math.min(n - 1, Math.floor(Math.sqrt(rng()) * n));
  return { kind: 'score', fieldId: f.id, itemId: f.itemId, marked: f.targets[idx]!.value, pen: rng() < o.marking.teacherCrossRate ? 'cross' : 'tick' };
}

/** Plans what the student (and teacher) put on one printed page. Pure and seeded. */
export function planPage(page: PrintedPage, rng: Rng, o: PlanOptions): FieldTruth[] {
  return page.fields.map((f: Field): FieldTruth => {
    switch (f.kind) {
      case 'bubbles':
        return planBubbles(f, rng, o);
      case 'digit_grid':
        return planDigitGrid(f, rng, o);
      case 'comb':
        return planComb(f, rng, o);
      case 'write_in': {
        const lines = o.answers !== 'blank' && rng() < o.marking.workRate ? Array.from({ length: int(rng, 1, 3) }, () => workLine(rng)) : [];
        return { kind: 'write_in', fieldId: f.id, itemId: f.itemId, lines };
      }
      case 'score':
        return planScore(f, rng, o);
      default:
        return throwIllegalValue(f, 'field kind');
    }
  });
}
