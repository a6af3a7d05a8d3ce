import type { PDFFont, PDFOperator, PDFPage, RGB } from '@cantoo/pdf-lib';
import * as fontkit from 'fontkit';
import QRCode from 'qrcode';
import { encodeQrPayload } from '../domain/qrPayload';
import { throwIllegalValue } from '../domain/result';
import type { Colour, DrawOp } from '../layout/drawOps';
import type { LaidOutPage } from '../layout/layoutWorkbook';
import { PT_TO_MM, type MeasureText } from '../layout/text';

const MM = 72 / 25.4;

// pdf-lib is large: it loads when the first PDF is made, not with every command of the station.
type PdfLib = typeof import('@cantoo/pdf-lib');
let pdfLib: Promise<PdfLib> | null = null;

/** pdf-lib's drawing functions and the colours made with it. */
type Pen = { lib: PdfLib; colours: Record<Colour | 'yellow' | 'white', RGB> };

function penOf(lib: PdfLib): Pen {
  const { rgb } = lib;
  return {
    lib,
    colours: {
      black: rgb(0, 0, 0),
      grey: rgb(0.42, 0.42, 0.42),
      red: rgb(0.86, 0.12, 0.12),
      light: rgb(0.8, 0.8, 0.8),
      green: rgb(0.3, 0.68, 0.35),
      amber: rgb(0.95, 0.7, 0.2),
      yellow: rgb(1, 0.85, 0.2),
      white: rgb(1, 1, 1),
    },
  };
}

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

const KAPPA = (4 * (Math.SQRT2 - 1)) / 3;
/** Coordinates to 0.001 pt (0.35 µm): shorter content streams, nothing a printer can show. */
const pt = (v: number) => Math.round(v * 1000) / 1000;

/**
 * A circle as four Bézier curves, written straight into the content stream: what pdf-lib's drawCircle
 * draws, without building and parsing an SVG path per circle (the bubbles made printing slow).
 */
function drawCircle({ lib }: Pen, page: PDFPage, x: number, y: number, r: number, fillColour: RGB | null, border: { colour: RGB; width: number } | null): void {
  if (!fillColour && !border) return;
  const { appendBezierCurve, closePath, fill, fillAndStroke, moveTo, popGraphicsState, pushGraphicsState, setFillingColor, setLineWidth, setStrokingColor, stroke } = lib;
  const k = pt(r * KAPPA);
  [x, y, r] = [pt(x), pt(y), pt(r)];
  const ops: PDFOperator[] = [pushGraphicsState()];
  if (fillColour) ops.push(setFillingColor(fillColour));
  if (border) ops.push(setStrokingColor(border.colour), setLineWidth(border.width));
  ops.push(
    moveTo(x, y + r),
    appendBezierCurve(x + k, y + r, x + r, y + k, x + r, y),
    appendBezierCurve(x + r, y - k, x + k, y - r, x, y - r),
    appendBezierCurve(x - k, y - r, x - r, y - k, x - r, y),
    appendBezierCurve(x - r, y + k, x - k, y + r, x, y + r),
    closePath(),
    fillColour && border ? fillAndStroke() : fillColour ? fill() : stroke(),
    popGraphicsState(),
  );
  page.pushOperators(...ops);
}

/** Black rectangles (x, y, w, h in PDF points) filled as one path: the registration marks and the QR's runs. */
function fillBlack({ lib, colours }: Pen, page: PDFPage, rects: readonly (readonly [number, number, number, number])[]): void {
  const { fill, popGraphicsState, pushGraphicsState, rectangle, setFillingColor } = lib;
  page.pushOperators(pushGraphicsState(), setFillingColor(colours.black), ...rects.map(([x, y, w, h]) => rectangle(pt(x), pt(y), pt(w), pt(h))), fill(), popGraphicsState());
}

function drawOp(pen: Pen, page: PDFPage, op: DrawOp, font: PDFFont, h: number): void {
  const COLOURS = pen.colours;
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
      drawCircle(pen, page, op.x * MM, (h - op.y) * MM, op.r * MM, op.fill ? COLOURS[op.fill] : null, op.strokeMm > 0 ? { colour: COLOURS[op.colour], width: op.strokeMm * MM } : null);
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
        drawCircle(pen, page, px * MM, (h - py) * MM, petal * MM, op.filled ? COLOURS.red : null, op.filled ? null : { colour: COLOURS.red, width: 0.25 * MM });
      }
      drawCircle(pen, page, op.x * MM, (h - op.y) * MM, op.r * 0.3 * MM, op.filled ? COLOURS.yellow : COLOURS.white, { colour: COLOURS.red, width: 0.2 * MM });
      return;
    }
    default:
      throwIllegalValue(op, 'drawing op');
  }
}

/** A page for people only (answer keys, reports): no marks, no QR. */
export type PlainPage = { printed: null; paper: { widthMm: number; heightMm: number }; ops: DrawOp[] };

/**
 * Text drawn again and again (option letters, labels, names, the stems students share) is shaped
 * by fontkit once per document: the same text always gives the same glyphs of the subset.
 */
function shapeEachTextOnce(font: PDFFont): void {
  const encode = font.encodeText.bind(font);
  const shaped = new Map<string, ReturnType<PDFFont['encodeText']>>();
  font.encodeText = (text) => {
    let hex = shaped.get(text);
    if (!hex) shaped.set(text, (hex = encode(text)));
    return hex;
  };
}

/** Renders pages into one PDF (fonts embedded once). Marks and QR codes are vector. */
export async function renderPdf(pages: readonly (LaidOutPage | PlainPage)[], font: PageFont, title = 'PaperLoop workbooks'): Promise<Uint8Array> {
  const pen = penOf(await (pdfLib ??= import('@cantoo/pdf-lib')));
  const doc = await pen.lib.PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(title);
  doc.setCreator('PaperLoop');
  doc.setProducer('PaperLoop');
  const pdfFont = await doc.embedFont(font.bytes, { subset: true });
  shapeEachTextOnce(pdfFont);
  for (const laid of pages) {
    if (laid.printed === null) {
      const plain = doc.addPage([laid.paper.widthMm * MM, laid.paper.heightMm * MM]);
      for (const op of laid.ops) drawOp(pen, plain, op, pdfFont, laid.paper.heightMm);
      continue;
    }
    const { printed } = laid;
    const w = printed.paper.widthMm;
    const h = printed.paper.heightMm;
    const page = doc.addPage([w * MM, h * MM]);
    const qr = qrRuns(encodeQrPayload({ pageId: printed.pageId, layoutVersion: printed.layoutVersion }));
    const mod = printed.qr.size / qr.modules;
    fillBlack(pen, page, [
      ...printed.marks.map((m) => [(m.x - m.size / 2) * MM, (h - m.y - m.size / 2) * MM, m.size * MM, m.size * MM] as const),
      ...qr.runs.map((run) => [(printed.qr.x + run.x * mod) * MM, (h - printed.qr.y - (run.y + 1) * mod) * MM, run.w * mod * MM, mod * MM] as const),
    ]);
    for (const op of laid.ops) drawOp(pen, page, op, pdfFont, h);
  }
  return doc.save({ useObjectStreams: true });
}
