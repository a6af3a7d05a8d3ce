import type { PDFFont, PDFPage, RGB } from '@cantoo/pdf-lib';
import * as fontkit from 'fontkit';
import { throwIllegalValue } from '../domain/result';
import type { PageFont } from './pdf';

/** A rectangle in the scan's pixels (origin top left). */
export type PxBox = { x: number; y: number; w: number; h: number };
/** How the station's reading of one field turned out. */
export type MarkVerdict = 'correct' | 'wrong' | 'to_review';
export type FieldMark = { box: PxBox; verdict: MarkVerdict; label: string };
/** One stored scan (JPEG or PNG bytes), its size in pixels, and what to draw on it. */
export type AnnotatedScan = { image: Uint8Array; format: 'jpg' | 'png'; widthPx: number; heightPx: number; heading: string; marks: FieldMark[] };

/** Pages are A4-wide whatever the scan's resolution; the height follows the scan. */
const PAGE_WIDTH_PT = 595.28;
const LABEL_PT = 9;

function colourOf(lib: typeof import('@cantoo/pdf-lib'), verdict: MarkVerdict): RGB {
  switch (verdict) {
    case 'correct':
      return lib.rgb(0.1, 0.5, 0.2);
    case 'wrong':
      return lib.rgb(0.8, 0.1, 0.1);
    case 'to_review':
      return lib.rgb(0.85, 0.55, 0);
    default:
      return throwIllegalValue(verdict, 'mark verdict');
  }
}

function drawMark(lib: typeof import('@cantoo/pdf-lib'), page: PDFPage, font: PDFFont, scale: number, height: number, mark: FieldMark): void {
  const colour = colourOf(lib, mark.verdict);
  const x = mark.box.x * scale;
  const y = height - (mark.box.y + mark.box.h) * scale;
  page.drawRectangle({ x, y, width: mark.box.w * scale, height: mark.box.h * scale, borderColor: colour, borderWidth: 1.5 });
  // The label sits on a white tag just above the field (inside the page), so it reads on any scan.
  const width = font.widthOfTextAtSize(mark.label, LABEL_PT) + 6;
  const tagY = Math.min(height - LABEL_PT - 4, y + mark.box.h * scale + 1);
  const tagX = Math.min(Math.max(0, x), PAGE_WIDTH_PT - width);
  page.drawRectangle({ x: tagX, y: tagY, width, height: LABEL_PT + 4, color: lib.rgb(1, 1, 1), borderColor: colour, borderWidth: 0.75 });
  page.drawText(mark.label, { x: tagX + 3, y: tagY + 3, size: LABEL_PT, font, color: colour });
}

/** The scans as one PDF, each page the scan itself with the station's readings drawn on as vector marks. */
export async function renderAnnotatedScans(scans: readonly AnnotatedScan[], font: PageFont, title: string): Promise<Uint8Array> {
  const lib = await import('@cantoo/pdf-lib');
  const doc = await lib.PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setCreator('PaperLoop');
  doc.setProducer('PaperLoop');
  const pdfFont = await doc.embedFont(font.bytes, { subset: true });
  for (const scan of scans) {
    const scale = PAGE_WIDTH_PT / scan.widthPx;
    const height = scan.heightPx * scale;
    const page = doc.addPage([PAGE_WIDTH_PT, height]);
    const image = scan.format === 'jpg' ? await doc.embedJpg(scan.image) : await doc.embedPng(scan.image);
    page.drawImage(image, { x: 0, y: 0, width: PAGE_WIDTH_PT, height });
    page.drawText(scan.heading, { x: 12, y: height - 14, size: LABEL_PT, font: pdfFont, color: lib.rgb(0.05, 0.25, 0.55) });
    for (const mark of scan.marks) drawMark(lib, page, pdfFont, scale, height, mark);
  }
  return doc.save({ useObjectStreams: true });
}
