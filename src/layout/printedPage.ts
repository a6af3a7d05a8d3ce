import { z } from 'zod';

/**
 * The printed page is the contract between printing and reading. All geometry is in millimetres
 * from the top-left corner of the paper, x to the right, y down.
 */
export const Corner = z.enum(['tl', 'tr', 'br', 'bl']);
export type Corner = z.infer<typeof Corner>;

/** A solid square registration mark, by centre. The top-left one is larger, so orientation is known. */
export const RegistrationMark = z.object({ corner: Corner, x: z.number(), y: z.number(), size: z.number() });
export type RegistrationMark = z.infer<typeof RegistrationMark>;

export const Rect = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });
export type Rect = z.infer<typeof Rect>;

/** One place a pen can mark: a bubble (circle, radius r) or a score box (square, half side r). */
export const MarkTarget = z.object({
  value: z.string(),
  x: z.number(),
  y: z.number(),
  r: z.number(),
  shape: z.enum(['circle', 'square']),
});
export type MarkTarget = z.infer<typeof MarkTarget>;

export const BubbleField = z.object({
  kind: z.literal('bubbles'),
  id: z.string(),
  itemId: z.string(),
  /** True when more than one target may be marked (multiple choice). */
  multi: z.boolean(),
  targets: z.array(MarkTarget),
});
export const DigitGridField = z.object({
  kind: z.literal('digit_grid'),
  id: z.string(),
  itemId: z.string(),
  /** Columns left to right. A 'sign' column has target '-', a 'point' column has target '.', digits '0'..'9'. */
  columns: z.array(z.object({ role: z.enum(['sign', 'digit', 'point']), targets: z.array(MarkTarget) })),
  /** Where the student may also write the number by hand, one character per box (read by OCR). */
  boxes: z.array(Rect),
});
export const CombField = z.object({
  kind: z.literal('comb'),
  id: z.string(),
  itemId: z.string(),
  boxes: z.array(Rect),
  /** What characters the boxes expect, for OCR ranking. */
  charset: z.enum(['digits', 'text']),
});
export const WriteInField = z.object({ kind: z.literal('write_in'), id: z.string(), itemId: z.string(), box: Rect });
export const ScoreField = z.object({
  kind: z.literal('score'),
  id: z.string(),
  itemId: z.string(),
  /** Square boxes valued '0'..'N'; the teacher ticks one. */
  targets: z.array(MarkTarget),
});
export const Field = z.discriminatedUnion('kind', [BubbleField, DigitGridField, CombField, WriteInField, ScoreField]);
export type Field = z.infer<typeof Field>;
export type BubbleField = z.infer<typeof BubbleField>;
export type DigitGridField = z.infer<typeof DigitGridField>;
export type CombField = z.infer<typeof CombField>;
export type WriteInField = z.infer<typeof WriteInField>;
export type ScoreField = z.infer<typeof ScoreField>;

export const PageKind = z.enum(['workbook', 'blank_back', 'wrong_book', 'answer_key']);
export type PageKind = z.infer<typeof PageKind>;

export const PrintedPage = z.object({
  pageId: z.string(),
  /** Hash of the page geometry; travels in the QR. */
  layoutVersion: z.string(),
  kind: PageKind,
  jobId: z.string(),
  workbookId: z.string(),
  classId: z.string(),
  studentId: z.string(),
  pageNumber: z.number().int(),
  pageCount: z.number().int(),
  paper: z.object({ name: z.string(), widthMm: z.number(), heightMm: z.number() }),
  marks: z.array(RegistrationMark).length(4),
  /** The QR square: top-left corner and side, including its quiet zone. */
  qr: z.object({ x: z.number(), y: z.number(), size: z.number() }),
  fields: z.array(Field),
});
export type PrintedPage = z.infer<typeof PrintedPage>;
