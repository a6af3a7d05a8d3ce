/**
 * DECIDE: turn measured fills into field values with the settings' thresholds. No pixels here.
 */
import { throwIllegalValue } from '../domain/result';
import type { BubbleField, DigitGridField, Field, ScoreField } from '../layout/printedPage';
import type { TargetFill, TargetsMeasure } from './bubbles';
import type { FillShape } from './fillShape';
import { hasInk, type BoxInk } from './handwriting';
import type { Point, PxRect } from './image';
import type { FillBand, VisionSettings } from './settings';

export type FieldStatus = 'ok' | 'review' | 'blank';

export type OcrCandidate = { text: string; confidence: number };

export type FieldRead = {
  fieldId: string;
  itemId: string;
  kind: Field['kind'];
  /**
   * The answer, normalised: 'B', 'A,C' (multi, in target order), '-12.5', '3', text. null when
   * blank or when no single reading stands out. With status 'review' it is a suggestion only.
   */
  value: string | null;
  /** 0..1: how far every measurement sits from the decision boundaries. */
  confidence: number;
  status: FieldStatus;
  /** Machine-readable reasons, e.g. 'multiple_marks', 'marginal_mark:B', 'erased:C'. */
  reasons: string[];
  evidence: {
    /** Per target: calibrated fill and, for mark targets, the dark-ink fraction. */
    fills: { value: string; fill: number; dark?: number; spread?: number; shape?: FillShape }[];
    /** Full-resolution pixel rectangle to show a reviewer. */
    crop?: PxRect;
    candidates?: OcrCandidate[];
    /** The readings of a comb: tesseract's whole line and box by box, and the digit reader's. */
    readings?: { line?: OcrCandidate; boxes?: OcrCandidate; digits?: OcrCandidate };
    /** Alignment shift applied to the mapped targets (px). */
    offset?: Point;
    /** How clearly the printed outlines were found at that shift (fraction of paper − ink; below fill.minAlignmentContrast: not found). */
    alignment?: number;
  };
};

export type GroupDecision = {
  marked: string[];
  /** Targets no rule decides with confidence: they need a person. */
  marginal: string[];
  /** Unmarked targets with residue (evidence only). */
  erased: string[];
  /** Marginal targets whose dark ink lies only on the rim: the printed outline, sampled off-centre. */
  offCentre: string[];
  /** Marginal targets that are faint fills (no dark ink, below lightFill): residue or a light mark. */
  faint: string[];
  confidence: number;
};

/**
 * The page's own statistics (OMRChecker-style, from every target measured on the page): the median
 * fill of the targets below the unmarked ceiling, taken as the empty level, and a robust spread of
 * it (`targets` counts the targets they rest on). The writer's level is how dark this student
 * marks on this page: the median fill (above the empty level) of the targets filled at `lightFill`
 * or darker, the page's clear marks (`writerMarks` counts them).
 */
export type PageFillStats = { level: number; noise: number; targets: number; writerLevel?: number; writerMarks?: number };

const median = (a: readonly number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median and scaled MAD of the page's target fills below `marginal` (its empty-looking targets), and the writer's level. */
export function pageFillStats(all: readonly number[], band: Pick<FillBand, 'marginal' | 'lightFill'>): PageFillStats {
  const fills = all.filter((f) => f < band.marginal);
  if (fills.length === 0) return { level: 0, noise: 0, targets: 0 };
  const level = median(fills);
  const noise = 1.4826 * median(fills.map((f) => Math.abs(f - level)));
  const marks = all.map((f) => f - Math.max(0, level)).filter((f) => f >= band.lightFill);
  return { level, noise, targets: fills.length, writerLevel: marks.length > 0 ? median(marks) : 0, writerMarks: marks.length };
}

/** How far (fill units) a measurement must sit from a boundary to count as fully confident. */
const CONFIDENCE_WIDTH = 0.05;

type Measured = { value: string; fill: number; dark?: number; spread?: number; shape?: FillShape };

/**
 * Decide each target of a group (one field, or one digit-grid column), see the band's rules in
 * settings.ts. A mark also has to stand out of the page's empty-target distribution when page
 * statistics are given. A faint fill (no dark ink, between marginal and lightFill: erasure residue
 * or a light mark, its own pixels cannot tell) is an erasure in a group that takes one answer
 * (`oneAnswer`) when the group's mark outweighs it, as a teacher reads it: B filled solid, A far
 * lighter, so A was erased. Else a faint fill left on part of the target in patches, or with
 * graphite dragged past it (its shape, see `patchyEvenness`, `smearMin`) is residue: erased. Else it
 * is a mark when it is as dark as this writer marks on this page (`writerFraction` of the page's
 * writer level, from `writerMinMarks` clear marks): a light-pencil writer, or when a school takes
 * an even one as an answer (`faintAnswerFill`, off by default). Anywhere else it goes to a person,
 * never silently to a mark.
 */
export function classifyFills(fills: readonly Measured[], band: FillBand, page?: PageFillStats, oneAnswer = false, shapeMayBlank = false): GroupDecision {
  const usePage = page !== undefined && page.targets >= band.pageStatsMinTargets;
  const base = usePage ? Math.max(0, page.level) : 0;
  const floor = usePage ? band.emptyNoiseK * page.noise : 0;
  const marked: Measured[] = [];
  const faint: Measured[] = [];
  const marginal: string[] = [];
  const erased: string[] = [];
  const offCentre: string[] = [];
  let confidence = 1;
  const sure = (margin: number) => (confidence = Math.min(confidence, Math.max(0, Math.min(1, margin / CONFIDENCE_WIDTH))));
  for (const t of fills) {
    const f = t.fill - base;
    const d = t.dark ?? 0;
    const spread = t.spread ?? 1;
    const stroke = d >= band.strokeDark;
    // A stroke counts as a mark only when it reaches across the target (not a dot in the middle)...
    const across = spread >= band.strokeMinSpread;
    // ...and not only along its rim: that is the printed outline, the target sampled off-centre.
    const rim = stroke && t.spread !== undefined && t.spread > band.strokeMaxSpread && f < band.definite;
    let mark: number | null = null; // margin by which a mark rule holds
    if (rim) mark = null;
    else if (f >= band.definite) mark = f - band.definite;
    else if (stroke && across && f >= band.strokeFill) mark = Math.min(f - band.strokeFill, d - band.strokeDark, band.strokeMaxSpread - spread);
    else if (!stroke && f >= band.lightFill) mark = f - band.lightFill;
    if (mark !== null && f >= floor) {
      marked.push(t);
      sure(Math.min(mark + CONFIDENCE_WIDTH / 2, f - floor));
    } else if (!stroke && f < band.marginal) {
      if (f >= band.residueMin) erased.push(t.value);
      sure(band.marginal - f);
    } else if (!stroke && mark === null) faint.push(t);
    else {
      if (rim) offCentre.push(t.value);
      marginal.push(t.value);
      confidence = 0;
    }
  }
  const answer = oneAnswer && marked.length === 1 ? marked[0]! : null;
  // A writer who marks lightly: the page's clear marks are light, and a faint fill near them is one more.
  const writerFloor = usePage && (page.writerMarks ?? 0) >= band.writerMinMarks ? band.writerFraction * (page.writerLevel ?? 0) : Infinity;
  const faintLeft: string[] = [];
  // Shape alone never turns a question blank, where a light partial fill may be the only answer the student gave; a
  // digit-grid column may be (`shapeMayBlank`): the field's own rules see the gap it leaves, and the written boxes.
  const shapeErases = marked.length > 0 || shapeMayBlank;
  // The teacher's reading (off unless `faintAnswerFill` is set): an even faint fill is the answer alone in a
  // single-choice question, one more answer beside the marks of a multi-answer one.
  const answerContext = oneAnswer ? !shapeMayBlank && marked.length === 0 && faint.length === 1 : marked.length > 0;
  for (const t of faint) {
    const f = t.fill - base;
    // The answer outweighs a faint fill when it has dark ink of its own, or far more fill.
    const outweighs = answer === null ? -1 : (answer.dark ?? 0) >= band.strokeDark ? 1 : band.relativeMarked * (answer.fill - base) - f;
    const patchy = patchyResidue(t.shape, band);
    if (outweighs > 0) {
      erased.push(t.value);
      sure(Math.min(band.lightFill - f, outweighs));
    } else if (patchy > 0 && shapeErases) {
      erased.push(t.value);
      sure(patchy);
    } else if (patchy <= 0 && f >= writerFloor) {
      marked.push(t);
      sure(f - writerFloor);
    } else if (patchy <= 0 && answerContext && band.faintAnswerFill > 0 && f >= band.faintAnswerFill && (t.shape?.evenness ?? 0) >= band.patchyEvenness) {
      marked.push(t);
      sure(f - band.faintAnswerFill);
    } else {
      marginal.push(t.value);
      faintLeft.push(t.value);
      confidence = 0;
    }
  }
  return { marked: fills.filter((t) => marked.includes(t)).map((t) => t.value), marginal, erased, offCentre, faint: faintLeft, confidence: round3(confidence) };
}

/**
 * How clearly a faint fill is residue by its shape (> 0): left on part of the target (its palest cell far below its
 * mean), or dragged past it on one side (a band just outside the outline, clearly lighter than the inside), in patches rather than thin
 * strokes. ≤ 0: not residue by shape.
 */
function patchyResidue(shape: FillShape | undefined, band: FillBand): number {
  if (!shape) return 0;
  const part = band.patchyEvenness > 0 ? band.patchyEvenness - shape.evenness : -1;
  // A band as dark as the fill itself is its pencil gone past the outline, not graphite an eraser dragged.
  const lighter = shape.outsidePeak !== undefined ? band.smearMaxPeak - shape.outsidePeak : -1;
  const dragged = band.smearMin > 0 && shape.outside !== undefined ? Math.min(shape.outside - band.smearMin, lighter) : -1;
  const residue = Math.max(part, dragged);
  return residue <= 0 ? residue : Math.min(residue, band.patchyMaxGrain - shape.grain);
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const shapeOf = (f: TargetFill) => (f.shape ? { shape: { evenness: round3(f.shape.evenness), centre: round3(f.shape.centre), grain: round3(f.shape.grain), outside: round3(f.shape.outside ?? 0), ...(f.shape.outsidePeak === undefined ? {} : { outsidePeak: round3(f.shape.outsidePeak) }) } } : {});
const fillsOf = (m: TargetsMeasure) => m.fills.map((f) => ({ value: f.value, fill: round3(f.fill), dark: round3(f.dark), spread: round3(f.spread), ...shapeOf(f) }));

/** A one-of-N or many-of-N choice (bubbles, or score boxes with the score band). */
function interpretChoice(
  field: { id: string; itemId: string; kind: Field['kind'] },
  m: TargetsMeasure,
  band: FillBand,
  multi: boolean,
  reviewMaxConfidence: number,
  page?: PageFillStats,
): FieldRead {
  const d = classifyFills(m.fills, band, page, !multi);
  const reasons = [...d.erased.map((v) => `erased:${v}`), ...d.marginal.map((v) => `marginal_mark:${v}`), ...d.offCentre.map((v) => `off_centre:${v}`)];
  let value: string | null;
  let status: FieldRead['status'];
  let confidence = d.confidence;
  if (!multi && d.marked.length > 1) {
    reasons.unshift('multiple_marks');
    value = null;
    status = 'review';
    confidence = 0;
  } else if (d.marked.length === 0 && d.marginal.length === 0) {
    value = null;
    status = 'blank';
  } else {
    const picked = d.marked.length > 0 ? d.marked : [strongest(m, d.marginal)];
    value = picked.join(',');
    status = d.marginal.length > 0 ? 'review' : 'ok';
  }
  if (status === 'review') confidence = Math.min(confidence, reviewMaxConfidence);
  return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value, confidence, status, reasons, evidence: { fills: fillsOf(m), crop: cropOf(m), offset: m.offset, alignment: round3(m.alignment) } };
}

function strongest(m: TargetsMeasure, values: string[]): string {
  let best = values[0]!;
  let bf = -1;
  for (const f of m.fills) if (values.includes(f.value) && f.fill > bf) {
    bf = f.fill;
    best = f.value;
  }
  return best;
}

/** Bounding box of the group's found targets, for review screens. */
function cropOf(m: TargetsMeasure): PxRect | undefined {
  if (m.fills.length === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const f of m.fills) {
    const r = f.radiusPx * 1.6;
    x0 = Math.min(x0, f.found.x - r);
    y0 = Math.min(y0, f.found.y - r);
    x1 = Math.max(x1, f.found.x + r);
    y1 = Math.max(y1, f.found.y + r);
  }
  return { x: Math.floor(x0), y: Math.floor(y0), w: Math.ceil(x1 - x0), h: Math.ceil(y1 - y0) };
}

export function interpretBubbles(field: BubbleField, m: TargetsMeasure, settings: VisionSettings, page?: PageFillStats): FieldRead {
  return interpretChoice(field, m, settings.bubbles, field.multi, settings.review.maxConfidence, page);
}

/** The teacher ticks one score box: value is the score ('0'..'N'). */
export function interpretScore(field: ScoreField, m: TargetsMeasure, settings: VisionSettings): FieldRead {
  return interpretChoice(field, m, settings.score, false, settings.review.maxConfidence);
}

/**
 * A digit grid read as a number: optional sign column, integer digits, optional point column,
 * decimals. Blank digit columns may lead the integer part or trail the decimals (or either end of
 * an integer-only grid); a gap inside the number goes to review.
 * `boxes` is the ink measured in the handwriting boxes above the grid.
 */
export function interpretDigitGrid(
  field: DigitGridField,
  columns: readonly TargetsMeasure[],
  boxes: readonly BoxInk[],
  settings: VisionSettings,
  page?: PageFillStats,
): FieldRead {
  const band = settings.bubbles;
  const reasons: string[] = [];
  let confidence = 1;
  const fills: FieldRead['evidence']['fills'] = [];
  let sign = false;
  let point = false;
  const pointIndex = field.columns.findIndex((c) => c.role === 'point');
  const intDigits: (string | null)[] = [];
  const decDigits: (string | null)[] = [];
  let anyMark = false;
  let review = false;
  // Columns whose only candidate is one faint fill: decided once the whole number is known (`part` for digit columns).
  const faintDigits: { column: number; value: string; part?: (string | null)[]; at: number }[] = [];
  const markedColumns: number[] = [];
  field.columns.forEach((col, i) => {
    const m = columns[i];
    if (!m) return;
    for (const f of m.fills) fills.push({ value: `${i}:${f.value}`, fill: round3(f.fill), dark: round3(f.dark), spread: round3(f.spread), ...shapeOf(f) });
    const d = classifyFills(m.fills, band, page, true, true);
    const faintOnly = d.marked.length === 0 && d.marginal.length === 1 && d.faint.length === 1;
    if (!faintOnly) confidence = Math.min(confidence, d.confidence);
    for (const v of d.erased) reasons.push(`erased:${i}:${v}`);
    if (!faintOnly) for (const v of d.marginal) reasons.push(`marginal_mark:${i}:${v}`);
    for (const v of d.offCentre) reasons.push(`off_centre:${i}:${v}`);
    if (d.marginal.length > 0 && !faintOnly) review = true;
    if (faintOnly) {
      const part = col.role !== 'digit' ? undefined : pointIndex >= 0 && i > pointIndex ? decDigits : intDigits;
      faintDigits.push({ column: i, value: d.faint[0]!, ...(part ? { part } : {}), at: part?.length ?? 0 });
    }
    if (d.marked.length + d.marginal.length > 0) anyMark = true;
    let digit: string | null = null;
    if (d.marked.length > 1) {
      reasons.push(`multiple_marks:${i}`);
      review = true;
      confidence = 0;
    } else if (d.marked.length === 1) {
      digit = d.marked[0]!;
      markedColumns.push(i);
    } else if (d.marginal.length > 0) digit = strongest(m, d.marginal);
    switch (col.role) {
      case 'sign':
        sign = digit !== null;
        break;
      case 'point':
        point = digit !== null;
        break;
      case 'digit':
        (pointIndex >= 0 && i > pointIndex ? decDigits : intDigits).push(digit);
        break;
      default:
        throwIllegalValue(col.role, 'digit column role');
    }
  });
  // A faint fill with decided digits on both sides of it in its part of the number: the number needs a digit there
  // (a gap is no number), and residue beside a digit would share its column. Anywhere else a person decides.
  // So does a faint fill under a box the student wrote in: the column holds a character of the number. A faint point
  // before decided decimals is the point they imply already (the number reads the same without it).
  const decided = (part: (string | null)[], at: number) => part[at] !== null && !faintDigits.some((x) => x.part === part && x.at === at);
  // When the written boxes match the marked columns (each has its box written), a faint fill under an empty box is
  // residue: the student wrote the number above and it has no character there. Not a sign: a student who bubbles `-`
  // and forgets to write it above gets 37 for -37 if it is dropped, so a person decides it. (A point left out changes
  // nothing: the columns after it are decimals either way.)
  const written = (column: number) => boxes.length === field.columns.length && hasInk(boxes[column]!, settings);
  const boxesTell = markedColumns.length > 0 && markedColumns.every(written);
  const boxesErase = (column: number) => boxesTell && field.columns[column]!.role !== 'sign';
  for (const x of faintDigits) {
    const part = x.part;
    const inside = part !== undefined && part.some((_, j) => j < x.at && decided(part, j)) && part.some((_, j) => j > x.at && decided(part, j));
    const impliedPoint = x.column === pointIndex && decDigits.some((_, j) => decided(decDigits, j));
    if (inside || impliedPoint || written(x.column)) {
      reasons.push(`faint_digit:${x.column}:${x.value}`);
      confidence = Math.min(confidence, settings.review.maxConfidence);
    } else if (boxesErase(x.column)) {
      reasons.push(`erased:${x.column}:${x.value}`);
      if (part) part[x.at] = null;
      else point = false;
    } else {
      reasons.push(`marginal_mark:${x.column}:${x.value}`);
      review = true;
      confidence = 0;
    }
  }
  const inkBoxes = boxes.filter((b) => hasInk(b, settings));
  const crop = unionRect([...columns.map(cropOf), ...boxes.map((b) => b.crop)]);
  const evidence = { fills, crop, offset: columns[0]?.offset, ...(columns[0] ? { alignment: round3(columns[0].alignment) } : {}) };
  if (!anyMark) {
    if (inkBoxes.length > 0)
      return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value: null, confidence: 0, status: 'review', reasons: ['handwriting_without_bubbles'], evidence };
    return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value: null, confidence, status: 'blank', reasons, evidence };
  }
  const isInt = pointIndex < 0;
  const intPart = trimRun(intDigits, isInt ? 'both' : 'leading');
  const decPart = trimRun(decDigits, 'trailing');
  if (intPart === null || decPart === null) {
    reasons.push('gap_in_digits');
    review = true;
  }
  const ints = intPart ?? intDigits.map((d) => d ?? '0').join('');
  const decs = decPart ?? decDigits.map((d) => d ?? '0').join('');
  if (ints === '' && decs === '') {
    reasons.push('no_digits');
    return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value: null, confidence: 0, status: 'review', reasons, evidence };
  }
  if (decs !== '' && !point && pointIndex >= 0) reasons.push('point_implied');
  const value = canonicalNumber(sign, ints, decs);
  const status = review ? 'review' : 'ok';
  return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value, confidence: status === 'review' ? Math.min(confidence, settings.review.maxConfidence) : confidence, status, reasons, evidence };
}

/** Digits of a run with blanks allowed only at the given end(s); null when a blank sits inside. */
function trimRun(ds: readonly (string | null)[], blanks: 'leading' | 'trailing' | 'both'): string | null {
  let a = 0;
  let b = ds.length;
  if (blanks !== 'trailing') while (a < b && ds[a] === null) a++;
  if (blanks !== 'leading') while (b > a && ds[b - 1] === null) b--;
  const run = ds.slice(a, b);
  if (run.some((d) => d === null)) return null;
  return run.join('');
}

/** '-', '007', '50' → '-7.5'. */
export function canonicalNumber(negative: boolean, ints: string, decs: string): string {
  const i = ints.replace(/^0+(?=\d)/, '') || '0';
  const d = decs.replace(/0+$/, '');
  const body = d ? `${i}.${d}` : i;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

export function unionRect(rects: readonly (PxRect | undefined)[]): PxRect | undefined {
  const rs = rects.filter((r): r is PxRect => !!r && r.w > 0 && r.h > 0);
  if (rs.length === 0) return undefined;
  const x0 = Math.min(...rs.map((r) => r.x));
  const y0 = Math.min(...rs.map((r) => r.y));
  const x1 = Math.max(...rs.map((r) => r.x + r.w));
  const y1 = Math.max(...rs.map((r) => r.y + r.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
