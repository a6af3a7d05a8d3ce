import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from '@cantoo/pdf-lib';
import * as fontkit from 'fontkit';
import QRCode from 'qrcode';
import { encodeQrPayload } from '../domain/qrPayload';
import { throwIllegalValue } from '../domain/result';
import type { Colour, DrawOp } from '../layout/drawOps';
import type { LaidOutPage } from '../layout/layoutWorkbook';
import { PT_TO_MM, type MeasureText } from '../layout/text';

const MM = 72 / 25.4;
const COLOURS: Record<Colour, RGB> = {
  black: rgb(0, 0, 0),
  grey: rgb(0.42, 0.42, 0.42),
  red: rgb(0.86, 0.12, 0.12),
  light: rgb(0.8, 0.8, 0.8),
  green: rgb(0.3, 0.68, 0.35),
  amber: rgb(0.95, 0.7, 0.2),
};

type FontkitFont = { unitsPerEm: number; layout(text: string): { advanceWidth: number } };

/** The page font, parsed once. Text measurement for layout uses the same metrics the PDF embeds. */
export type PageFont = { bytes: Uint8Array; measure: MeasureText };

export function loadPageFont(bytes: Uint8Array): PageFont {
  const font = (fontkit as unknown as { create(b: Uint8Array): FontkitFont }).create(bytes);
  const cache = new Map<string, number>();
  const measure: MeasureText = (text, sizePt) => {
    let units = cache.get(text);
    if (units === undefined) {
      units = font.layout(text).advanceWidth / font.unitsPerEm;
      cache.set(text, units);
    }
    return units * sizePt * PT_TO_MM;
  };
  return { bytes, measure };
}

/** The QR as merged horizontal runs of dark modules, in module units, with a 2-module quiet zone. */
export function qrRuns(text: string): { modules: number; runs: { x: number; y: number; w: number }[] } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const runs: { x: number; y: number; w: number }[] = [];
  for (let y = 0; y < n; y++) {
    let start = -1;
    for (let x = 0; x <= n; x++) {
      const dark = x < n && qr.modules.get(y, x) === 1;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start + 2, y: y + 2, w: x - start });
        start = -1;
      }
    }
  }
  return { modules: n + 4, runs };
}

function drawOp(page: PDFPage, op: DrawOp, font: PDFFont, h: number): void {
  switch (op.op) {
    case 'text':
      page.drawText(op.text, { x: op.x * MM, y: (h - op.y) * MM, size: op.sizePt, font, color: COLOURS[op.colour] });
      return;
    case 'rect':
      page.drawRectangle({
        x: op.x * MM, y: (h - op.y - op.h) * MM, width: op.w * MM, height: op.h * MM,
        ...(op.fill ? { color: COLOURS[op.fill] } : {}),
        ...(op.strokeMm > 0 ? { borderColor: COLOURS[op.colour], borderWidth: op.strokeMm * MM } : {}),
      });
      return;
    case 'circle':
      page.drawCircle({
        x: op.x * MM, y: (h - op.y) * MM, size: op.r * MM,
        ...(op.fill ? { color: COLOURS[op.fill] } : {}),
        ...(op.strokeMm > 0 ? { borderColor: COLOURS[op.colour], borderWidth: op.strokeMm * MM } : {}),
      });
      return;
    case 'line':
      page.drawLine({ start: { x: op.x1 * MM, y: (h - op.y1) * MM }, end: { x: op.x2 * MM, y: (h - op.y2) * MM }, thickness: op.strokeMm * MM, color: COLOURS[op.colour] });
      return;
    case 'flower': {
      const petal = op.r * 0.55;
      for (let i = 0; i < 5; i++) {
        const a = (i * 2 * Math.PI) / 5 - Math.PI / 2;
        const px = op.x + Math.cos(a) * op.r * 0.55;
        const py = op.y + Math.sin(a) * op.r * 0.55;
        page.drawCircle({ x: px * MM, y: (h - py) * MM, size: petal * MM, ...(op.filled ? { color: COLOURS.red } : { borderColor: COLOURS.red, borderWidth: 0.25 * MM }) });
      }
      page.drawCircle({ x: op.x * MM, y: (h - op.y) * MM, size: op.r * 0.3 * MM, color: op.filled ? rgb(1, 0.85, 0.2) : rgb(1, 1, 1), borderColor: COLOURS.red, borderWidth: 0.2 * MM });
      return;
    }
    default:
      throwIllegalValue(op, 'drawing op');
  }
}

/** A page for people only (answer keys, reports): no marks, no QR. */
export type PlainPage = { printed: null; paper: { widthMm: number; heightMm: number }; ops: DrawOp[] };

/** Renders pages into one PDF (fonts embedded once). Marks and QR codes are vector. */
export async function renderPdf(pages: readonly (LaidOutPage | PlainPage)[], font: PageFont, title = 'PaperLoop workbooks'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setCreator('PaperLoop');
  doc.setProducer('PaperLoop');
  const pdfFont = await doc.embedFont(font.bytes, { subset: true });
  for (const laid of pages) {
    if (laid.printed === null) {
      const plain = doc.addPage([laid.paper.widthMm * MM, laid.paper.heightMm * MM]);
      for (const op of laid.ops) drawOp(plain, op, pdfFont, laid.paper.heightMm);
      continue;
    }
    const { printed } = laid;
    const w = printed.paper.widthMm;
    const h = printed.paper.heightMm;
    const page = doc.addPage([w * MM, h * MM]);
    for (const m of printed.marks)
      page.drawRectangle({ x: (m.x - m.size / 2) * MM, y: (h - m.y - m.size / 2) * MM, width: m.size * MM, height: m.size * MM, color: COLOURS.black });
    const qr = qrRuns(encodeQrPayload({ pageId: printed.pageId, layoutVersion: printed.layoutVersion }));
    const mod = printed.qr.size / qr.modules;
    for (const run of qr.runs)
      page.drawRectangle({ x: (printed.qr.x + run.x * mod) * MM, y: (h - printed.qr.y - (run.y + 1) * mod) * MM, width: run.w * mod * MM, height: mod * MM, color: COLOURS.black });
    for (const op of laid.ops) drawOp(page, op, pdfFont, h);
  }
  return doc.save({ useObjectStreams: true });
}
