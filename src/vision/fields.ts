/** Every field of a page: measure (bubbles.ts, handwriting.ts, ocr.ts), then decide (interpret.ts). */
import type { Field } from '../layout/printedPage';
import { throwIllegalValue } from '../domain/result';
import { measureTargets, type PageCalibration } from './bubbles';
import { measureBoxInk } from './handwriting';
import type { Homography } from './homography';
import type { GreyImage } from './image';
import { interpretBubbles, interpretDigitGrid, interpretScore, type FieldRead } from './interpret';
import { readComb, readWriteIn, suggestFromBoxes, type OcrEngine } from './ocr';
import type { VisionSettings } from './settings';

export type FieldContext = {
  img: GreyImage;
  h: Homography;
  cal: PageCalibration;
  settings: VisionSettings;
  ocr?: OcrEngine;
  /** Accepted answers of an item, to rank OCR candidates. */
  answers?: (itemId: string) => readonly string[] | undefined;
};

export async function readField(f: Field, c: FieldContext): Promise<FieldRead> {
  switch (f.kind) {
    case 'bubbles':
      return interpretBubbles(f, measureTargets(c.img, c.h, f.targets, c.cal, c.settings), c.settings);
    case 'score':
      return interpretScore(f, measureTargets(c.img, c.h, f.targets, c.cal, c.settings), c.settings);
    case 'digit_grid': {
      // One alignment for the whole grid, then the fills split back into columns.
      const all = f.columns.flatMap((col) => col.targets);
      const m = measureTargets(c.img, c.h, all, c.cal, c.settings);
      let at = 0;
      const columns = f.columns.map((col) => {
        const fills = m.fills.slice(at, at + col.targets.length);
        at += col.targets.length;
        return { offset: m.offset, alignment: m.alignment, fills };
      });
      const boxes = f.boxes.map((b) => measureBoxInk(c.img, c.h, b, c.cal, c.settings));
      const read = interpretDigitGrid(f, columns, boxes, c.settings);
      if (c.ocr && read.reasons.includes('handwriting_without_bubbles')) {
        const candidates = await suggestFromBoxes(f.boxes, c.img, c.h, c.cal, c.settings, c.ocr, c.answers?.(f.itemId));
        return { ...read, value: candidates[0]?.text ?? null, evidence: { ...read.evidence, candidates } };
      }
      return read;
    }
    case 'comb':
      return readComb(f, c.img, c.h, c.cal, c.settings, c.ocr, c.answers?.(f.itemId));
    case 'write_in':
      return readWriteIn(f, c.img, c.h, c.cal, c.settings, c.ocr);
    default:
      return throwIllegalValue(f, 'field kind');
  }
}

export async function readFields(fields: readonly Field[], c: FieldContext): Promise<FieldRead[]> {
  const out: FieldRead[] = [];
  for (const f of fields) out.push(await readField(f, c));
  return out;
}
