/** Every field of a page: measure (bubbles.ts, handwriting.ts, ocr.ts), then decide (interpret.ts). */
import type { BubbleField, DigitGridField, Field, ScoreField } from '../layout/printedPage';
import { throwIllegalValue } from '../domain/result';
import { measureTargets, type PageCalibration, type TargetsMeasure } from './bubbles';
import type { DigitNet } from './digits';
import type { CombClassContext } from './handwriting/combRead';
import { measureBoxInk, type BoxInk } from './handwriting';
import type { Homography } from './homography';
import type { GreyImage } from './image';
import { interpretBubbles, interpretDigitGrid, interpretScore, pageFillStats, type FieldRead, type PageFillStats } from './interpret';
import { readComb, readWriteIn, suggestFromBoxes, type OcrEngine } from './ocr';
import type { VisionSettings } from './settings';

export type FieldContext = {
  img: GreyImage;
  h: Homography;
  cal: PageCalibration;
  settings: VisionSettings;
  ocr?: OcrEngine;
  /** The digit reader: a second opinion on digit combs. */
  digits?: DigitNet;
  /** Accepted answers of an item, to rank OCR candidates. */
  answers?: (itemId: string) => readonly string[] | undefined;
  /** The page's class: its confirmed comb boxes and common wrong answers. */
  combClass?: CombClassContext;
};

/** MEASURE a mark field (bubbles, score, digit grid): its targets, in one alignment. */
type Measured =
  | { kind: 'bubbles' | 'score'; m: TargetsMeasure }
  | { kind: 'digit_grid'; columns: TargetsMeasure[]; boxes: BoxInk[] };

function measureMarkField(f: BubbleField | ScoreField | DigitGridField, c: FieldContext): Measured {
  if (f.kind !== 'digit_grid') return { kind: f.kind, m: measureTargets(c.img, c.h, f.targets, c.cal, c.settings) };
  // One alignment for the whole grid, then the fills split back into columns.
  const all = f.columns.flatMap((col) => col.targets);
  const m = measureTargets(c.img, c.h, all, c.cal, c.settings);
  let at = 0;
  const columns = f.columns.map((col) => {
    const fills = m.fills.slice(at, at + col.targets.length);
    at += col.targets.length;
    return { offset: m.offset, alignment: m.alignment, fills };
  });
  return { kind: 'digit_grid', columns, boxes: f.boxes.map((b) => measureBoxInk(c.img, c.h, b, c.cal, c.settings)) };
}

/** The page's empty-bubble statistics, from every bubble and digit-grid target measured on it. */
function bubbleStats(measured: readonly Measured[], settings: VisionSettings): PageFillStats {
  const fills: number[] = [];
  for (const m of measured)
    if (m.kind === 'bubbles') for (const f of m.m.fills) fills.push(f.fill);
    else if (m.kind === 'digit_grid') for (const col of m.columns) for (const f of col.fills) fills.push(f.fill);
  return pageFillStats(fills, settings.bubbles);
}

/** DECIDE a measured mark field. */
async function decideMarkField(f: BubbleField | ScoreField | DigitGridField, m: Measured, page: PageFillStats, c: FieldContext): Promise<FieldRead> {
  if (f.kind === 'bubbles' && m.kind === 'bubbles') return interpretBubbles(f, m.m, c.settings, page);
  if (f.kind === 'score' && m.kind === 'score') return interpretScore(f, m.m, c.settings);
  if (f.kind === 'digit_grid' && m.kind === 'digit_grid') {
    const read = interpretDigitGrid(f, m.columns, m.boxes, c.settings, page);
    if (c.ocr && read.reasons.includes('handwriting_without_bubbles')) {
      const candidates = await suggestFromBoxes(f.boxes, c.img, c.h, c.cal, c.settings, c.ocr, c.answers?.(f.itemId));
      return { ...read, value: candidates[0]?.text ?? null, evidence: { ...read.evidence, candidates } };
    }
    return read;
  }
  throw new Error(`field ${f.id}: measured as ${m.kind}, is ${f.kind}`);
}

const isMarkField = (f: Field): f is BubbleField | ScoreField | DigitGridField => f.kind === 'bubbles' || f.kind === 'score' || f.kind === 'digit_grid';

/**
 * Every field: first measure all mark fields, then decide them with the page's own statistics;
 * combs and write-ins are read box by box.
 */
export async function readFields(fields: readonly Field[], c: FieldContext): Promise<FieldRead[]> {
  const measured = new Map<string, Measured>();
  for (const f of fields) if (isMarkField(f)) measured.set(f.id, measureMarkField(f, c));
  const page = bubbleStats([...measured.values()], c.settings);
  const out: FieldRead[] = [];
  for (const f of fields) {
    switch (f.kind) {
      case 'bubbles':
      case 'score':
      case 'digit_grid':
        out.push(await decideMarkField(f, measured.get(f.id)!, page, c));
        break;
      case 'comb':
        out.push(await readComb(f, c.img, c.h, c.cal, c.settings, c.ocr, c.answers?.(f.itemId), c.digits, c.combClass));
        break;
      case 'write_in':
        out.push(await readWriteIn(f, c.img, c.h, c.cal, c.settings, c.ocr));
        break;
      default:
        throwIllegalValue(f, 'field kind');
    }
  }
  return out;
}
