import { canonicalJson, type ItemInput } from '../domain/item';
import type { Placed } from './answerAreas';
import type { DrawOp } from './drawOps';
import { hash64 } from './hash';
import { itemBlock } from './itemBlock';
import { pageChrome } from './pageChrome';
import { pageMetrics, type PageMetrics } from './pageMetrics';
import type { PageStyle } from './pageStyle';
import type { Field, PageKind, PrintedPage, RegistrationMark } from './printedPage';
import type { MeasureText } from './text';

export type WorkbookToLayOut = {
  jobId: string;
  workbookId: string;
  classId: string;
  className: string;
  studentId: string;
  studentName: string;
  grade: number;
  language: string;
  largePrint: boolean;
  date: string;
  subject: string;
  tier: string;
  minutes: number;
  /**
   * `note`: lines printed between the stem and the answer space (a wrong-question book shows the
   * student's answer, the correct one and a hint there). `section`: a heading printed before the
   * item when it differs from the previous item's (e.g. the knowledge point).
   */
  items: { item: ItemInput; reason: string; note?: string[]; section?: string }[];
  /** Red-flower progress bar for young grades: skills mastered of the unit's skills. */
  flowers?: { mastered: number; total: number };
  kind?: PageKind;
};

/** A laid-out page: the machine-read contract plus what is drawn for people. */
export type LaidOutPage = { printed: PrintedPage; ops: DrawOp[] };

export function registrationMarks(style: PageStyle): RegistrationMark[] {
  const { widthMm: w, heightMm: h } = style.paper;
  const i = style.markInsetMm;
  return [
    { corner: 'tl', x: i, y: i, size: style.topLeftMarkSizeMm },
    { corner: 'tr', x: w - i, y: i, size: style.markSizeMm },
    { corner: 'br', x: w - i, y: h - i, size: style.markSizeMm },
    { corner: 'bl', x: i, y: h - i, size: style.markSizeMm },
  ];
}

export function qrBox(style: PageStyle): PrintedPage['qr'] {
  return { x: style.paper.widthMm - style.markInsetMm - style.markSizeMm - 10 - style.qrSizeMm, y: 6, size: style.qrSizeMm };
}

/** The hash of a page's geometry. It travels in the QR, so a page that does not match its stored layout is refused. */
export function layoutVersionOf(page: Pick<PrintedPage, 'paper' | 'marks' | 'qr' | 'fields'>): string {
  return hash64(canonicalJson({ paper: page.paper, marks: page.marks, qr: page.qr, fields: page.fields })).slice(0, 12).toUpperCase();
}

/**
 * Lays out one student's workbook into pages. Items never split across pages. Pure: text is
 * measured by the injected function, page ids come from the caller.
 */
export function layoutWorkbook(wb: WorkbookToLayOut, style: PageStyle, measure: MeasureText, pageIds: () => string): LaidOutPage[] {
  const m = pageMetrics(style, measure, wb.language, wb.largePrint);
  const blocks = wb.items.map(({ item, reason, note, section }, index) =>
    itemBlock(m, item, index + 1, reason, note ?? [], section !== undefined && section !== wb.items[index - 1]?.section ? section : undefined),
  );
  const sides = withBacks(paginate(blocks, m).map(renderPage(m)), wb.kind ?? 'workbook', style.duplex);
  return sides.map((side, index) => {
    const geometry = { paper: style.paper, marks: registrationMarks(style), qr: qrBox(style), fields: side.fields };
    const printed: PrintedPage = {
      pageId: pageIds(),
      layoutVersion: layoutVersionOf(geometry),
      kind: side.kind,
      jobId: wb.jobId,
      workbookId: wb.workbookId,
      classId: wb.classId,
      studentId: wb.studentId,
      pageNumber: index + 1,
      pageCount: sides.length,
      ...geometry,
    };
    return { printed, ops: [...pageChrome(m, wb, printed, side.kind), ...side.ops] };
  });
}

/** Blocks onto pages in order; a block that does not fit starts the next page (items never split). */
function paginate(blocks: readonly Placed[], m: PageMetrics): Placed[][] {
  const pages: Placed[][] = [[]];
  let y = m.top;
  for (const block of blocks) {
    if (y + block.height > m.bottom && pages[pages.length - 1]!.length > 0) {
      pages.push([]);
      y = m.top;
    }
    pages[pages.length - 1]!.push(block);
    y += block.height + m.style.itemGapMm;
  }
  return pages;
}

type PageContent = { ops: DrawOp[]; fields: Field[] };

/** Draws a page's blocks one under the other. */
const renderPage =
  (m: PageMetrics) =>
  (blocks: readonly Placed[]): PageContent => {
    const content: PageContent = { ops: [], fields: [] };
    let cursor = m.top;
    for (const block of blocks) {
      const out = block.render(cursor);
      content.ops.push(...out.ops);
      content.fields.push(...out.fields);
      cursor += block.height + m.style.itemGapMm;
    }
    return content;
  };

/**
 * The sides of the student's sheets: with blank backs, every page is followed by one; printed
 * continuously, a last odd page gets one, so each student starts on a fresh sheet and a duplex stack
 * never mixes two students on one sheet.
 */
function withBacks(pages: readonly PageContent[], kind: PageKind, duplex: PageStyle['duplex']): (PageContent & { kind: PageKind })[] {
  const blankBack = () => ({ kind: 'blank_back' as const, ops: [], fields: [] });
  const sides = pages.flatMap((page) => (duplex === 'blank_backs' ? [{ kind, ...page }, blankBack()] : [{ kind, ...page }]));
  if (duplex === 'continuous' && sides.length % 2 === 1) sides.push(blankBack());
  return sides;
}
