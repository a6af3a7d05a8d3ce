/**
 * DECIDE: turn measured fills into field values with the settings' thresholds. No pixels here.
 */
import type { BubbleField, DigitGridField, Field, ScoreField } from '../layout/printedPage';
import type { TargetsMeasure } from './bubbles';
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
    fills: { value: string; fill: number; dark?: number }[];
    /** Full-resolution pixel rectangle to show a reviewer. */
    crop?: PxRect;
    candidates?: OcrCandidate[];
    /** Alignment shift applied to the mapped targets (px). */
    offset?: Point;
  };
};

export type GroupDecision = {
  marked: string[];
  /** Marginal fills that are not explained as erasures: they need a person. */
  marginal: string[];
  erased: string[];
  confidence: number;
};

/**
 * Classify the fills of one group (one field, or one digit-grid column) against a band. A marginal
 * target counts as erased when the group has a definite mark, its fill is at most erasureRatio of
 * that mark's, and it has (almost) no dark-ink pixels: light residue all over.
 */
export function classifyFills(fills: readonly { value: string; fill: number; dark?: number }[], band: FillBand): GroupDecision {
  const width = Math.max(0.02, band.definite - band.marginal);
  const marked = fills.filter((f) => f.fill >= band.definite);
  const top = marked.reduce((m, f) => Math.max(m, f.fill), 0);
  const marginal: string[] = [];
  const erased: string[] = [];
  // Ambiguity 0..1 per target: 1 inside the marginal band, falling to 0 one band-width above it,
  // or at a clean 0 below it.
  let ambiguity = 0;
  for (const f of fills) {
    if (f.fill >= band.definite) {
      ambiguity = Math.max(ambiguity, 1 - Math.min(1, (f.fill - band.definite) / width));
    } else if (f.fill >= band.marginal) {
      if (marked.length > 0 && f.fill <= band.erasureRatio * top && (f.dark ?? 0) <= band.erasureMaxDark) {
        erased.push(f.value);
        ambiguity = Math.max(ambiguity, 1 - Math.min(1, (band.erasureRatio * top - f.fill) / width));
      } else {
        marginal.push(f.value);
        ambiguity = 1;
      }
    } else {
      ambiguity = Math.max(ambiguity, 1 - Math.min(1, (band.marginal - f.fill) / Math.max(0.02, band.marginal)));
    }
  }
  return { marked: marked.map((f) => f.value), marginal, erased, confidence: round3(1 - ambiguity) };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const fillsOf = (m: TargetsMeasure) => m.fills.map((f) => ({ value: f.value, fill: round3(f.fill), dark: round3(f.dark) }));

/** A one-of-N or many-of-N choice (bubbles, or score boxes with the score band). */
function interpretChoice(
  field: { id: string; itemId: string; kind: Field['kind'] },
  m: TargetsMeasure,
  band: FillBand,
  multi: boolean,
): FieldRead {
  const d = classifyFills(m.fills, band);
  const reasons = [...d.erased.map((v) => `erased:${v}`), ...d.marginal.map((v) => `marginal_mark:${v}`)];
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
  if (status === 'review') confidence = Math.min(confidence, 0.5);
  return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value, confidence, status, reasons, evidence: { fills: fillsOf(m), crop: cropOf(m), offset: m.offset } };
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

export function interpretBubbles(field: BubbleField, m: TargetsMeasure, settings: VisionSettings): FieldRead {
  return interpretChoice(field, m, settings.bubbles, field.multi);
}

/** The teacher ticks one score box: value is the score ('0'..'N'). */
export function interpretScore(field: ScoreField, m: TargetsMeasure, settings: VisionSettings): FieldRead {
  return interpretChoice(field, m, settings.score, false);
}

/**
 * A digit grid read as a number: optional sign column, integer digits, optional point column,
 * decimals. Blank digit columns may lead the integer part or trail the decimals (or either end of
 * an integer-only grid); a gap inside the number goes to review.
 * `boxes` is the ink measured in the handwriting boxes above the grid.
 */
export function interpretDigitGrid(field: DigitGridField, columns: readonly TargetsMeasure[], boxes: readonly BoxInk[], settings: VisionSettings): FieldRead {
  const band = settings.bubbles;
  const reasons: string[] = [];
  let confidence = 1;
  const fills: { value: string; fill: number; dark?: number }[] = [];
  let sign = false;
  let point = false;
  const pointIndex = field.columns.findIndex((c) => c.role === 'point');
  const intDigits: (string | null)[] = [];
  const decDigits: (string | null)[] = [];
  let anyMark = false;
  let review = false;
  field.columns.forEach((col, i) => {
    const m = columns[i];
    if (!m) return;
    for (const f of m.fills) fills.push({ value: `${i}:${f.value}`, fill: round3(f.fill), dark: round3(f.dark) });
    const d = classifyFills(m.fills, band);
    confidence = Math.min(confidence, d.confidence);
    for (const v of d.erased) reasons.push(`erased:${i}:${v}`);
    for (const v of d.marginal) reasons.push(`marginal_mark:${i}:${v}`);
    if (d.marginal.length > 0) review = true;
    if (d.marked.length + d.marginal.length > 0) anyMark = true;
    let digit: string | null = null;
    if (d.marked.length > 1) {
      reasons.push(`multiple_marks:${i}`);
      review = true;
      confidence = 0;
    } else if (d.marked.length === 1) digit = d.marked[0]!;
    else if (d.marginal.length > 0) digit = strongest(m, d.marginal);
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
    }
  });
  const inkBoxes = boxes.filter((b) => hasInk(b, settings));
  const crop = unionRect([...columns.map(cropOf), ...boxes.map((b) => b.crop)]);
  const evidence = { fills, crop, offset: columns[0]?.offset };
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
  return { fieldId: field.id, itemId: field.itemId, kind: field.kind, value, confidence: status === 'review' ? Math.min(confidence, 0.5) : confidence, status, reasons, evidence };
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
