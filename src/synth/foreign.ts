import QRCode from 'qrcode';
import type { Rng } from '../domain/random';
import { writeLine, type Writer } from './handwriting';
import { createImage, type GreyImage } from '../vision/image';
import { pxPerMm } from './image';
import { drawPolylines, fillRect, strokeCircle } from './raster';

/** Page size in pixels for paper in mm, rounded outwards like the PDF renderer. */
export function pagePixels(widthMm: number, heightMm: number, dpi: number): { width: number; height: number } {
  const s = pxPerMm(dpi);
  return { width: Math.ceil(widthMm * s - 1e-6), height: Math.ceil(heightMm * s - 1e-6) };
}

/** A typeset-looking hand: upright, steady, thin. Used to print digits on foreign pages. */
const PRINT_HAND: Writer = { variants: {}, slant: 0, size: 0.9, widthMm: 0.22, tool: 'ballpoint', jitter: 0 };

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();

/**
 * A page that is not ours: lines of "text", math exercises, a grid of empty bubbles, sometimes a
 * QR code with someone else's text and sometimes square corner marks of another form. No pen marks.
 */
export function foreignPage(widthMm: number, heightMm: number, dpi: number, rng: Rng): { image: GreyImage; qrText: string | null; cornerSquares: boolean } {
  const { width, height } = pagePixels(widthMm, heightMm, dpi);
  const s = pxPerMm(dpi);
  const img = createImage(width, height, Math.round(between(rng, 244, 255)));
  const ink = () => ({ level: Math.round(between(rng, 10, 60)) });
  const margin = between(rng, 15, 25);
  let y = margin + between(rng, 0, 10);
  // Title and paragraphs of word blobs.
  const wordRow = (yMm: number, hMm: number, maxX: number) => {
    let x = margin;
    while (x < maxX) {
      const w = between(rng, 4, 18) * (hMm / 2.2);
      if (x + w > maxX) break;
      fillRect(img, x * s, yMm * s, (x + w) * s, (yMm + hMm) * s, Math.round(between(rng, 40, 110)));
      x += w + hMm * 0.8;
    }
  };
  wordRow(y, 4, margin + widthMm * between(rng, 0.3, 0.6));
  y += 10;
  const paragraphs = Math.floor(between(rng, 1, 4));
  for (let p = 0; p < paragraphs; p++) {
    const lines = Math.floor(between(rng, 2, 6));
    for (let l = 0; l < lines; l++) {
      wordRow(y, 2.2, l === lines - 1 ? widthMm * between(rng, 0.3, 0.8) : widthMm - margin);
      y += 5;
    }
    y += 4;
  }
  // Math exercises in print.
  const exercises = Math.floor(between(rng, 3, 10));
  for (let e = 0; e < exercises && y < heightMm - 90; e++) {
    const a = Math.floor(between(rng, 2, 999));
    const b = Math.floor(between(rng, 2, 99));
    const op = ['+', '-', 'x', '/'][Math.floor(rng() * 4)]!;
    writeLine(img, `${e + 1}. ${a}${op}${b}=`.replace(/\. /, '.  '), margin, y, 3, PRINT_HAND, { dpi, rng });
    drawPolylines(img, [[{ x: (margin + 45) * s, y: (y + 3.6) * s }, { x: (margin + 80) * s, y: (y + 3.6) * s }]], 0.2 * s, ink());
    y += 7;
  }
  // A grid of empty bubbles with row labels.
  const rows = Math.floor(between(rng, 3, 12));
  const cols = Math.floor(between(rng, 3, 6));
  const r = between(rng, 1.6, 2.6);
  const pitch = 2 * r + between(rng, 1.5, 4);
  const gx = margin + 12;
  let gy = Math.min(y + 6, heightMm - 30 - rows * pitch);
  for (let i = 0; i < rows && gy > margin; i++, gy += pitch) {
    writeLine(img, String(i + 1), margin, gy + r - 1.5, 3, PRINT_HAND, { dpi, rng });
    for (let j = 0; j < cols; j++) strokeCircle(img, (gx + j * pitch * 1.6 + r) * s, (gy + r) * s, r * s, 0.25 * s, { level: 40 });
  }
  // Maybe a QR code with other text.
  let qrText: string | null = null;
  if (rng() < 0.6) {
    const id = Math.floor(rng() * 1e8).toString(36).toUpperCase();
    qrText = rng() < 0.5 ? `https://example.org/quiz/${id}` : `FORM-${id}`;
    const qr = QRCode.create(qrText, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const mod = between(rng, 0.45, 0.8);
    const qx = rng() < 0.5 ? widthMm - margin - n * mod : margin;
    const qy = rng() < 0.5 ? 8 : heightMm - 8 - n * mod;
    for (let r0 = 0; r0 < n; r0++)
      for (let c0 = 0; c0 < n; c0++)
        if (qr.modules.get(r0, c0)) fillRect(img, (qx + c0 * mod) * s, (qy + r0 * mod) * s, (qx + (c0 + 1) * mod) * s, (qy + (r0 + 1) * mod) * s, 10);
  }
  // Maybe corner squares of another form.
  const cornerSquares = rng() < 0.3;
  if (cornerSquares) {
    const inset = between(rng, 6, 15);
    const size = between(rng, 4, 7);
    for (const [cx, cy] of [[inset, inset], [widthMm - inset, inset], [widthMm - inset, heightMm - inset], [inset, heightMm - inset]] as const)
      fillRect(img, (cx - size / 2) * s, (cy - size / 2) * s, (cx + size / 2) * s, (cy + size / 2) * s, 0);
  }
  return { image: img, qrText, cornerSquares };
}

/**
 * The unprinted back of a sheet: paper, and a faint mirrored show-through of the front (strength
 * 0..1 of the front's darkness; 0 for none). `front` is the front page image at the same dpi.
 */
export function blankBack(widthMm: number, heightMm: number, dpi: number, front: GreyImage | null, bleed: number, rng: Rng): GreyImage {
  const { width, height } = pagePixels(widthMm, heightMm, dpi);
  const paper = Math.round(between(rng, 246, 255));
  const img = createImage(width, height, paper);
  if (!front || bleed <= 0) return img;
  // Downsample the front by 4 (box mean), mirror left-right, lay it back at full size: soft and faint.
  const f = 4;
  const sw = Math.ceil(front.width / f);
  const sh = Math.ceil(front.height / f);
  const small = new Uint8Array(sw * sh);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = 0; dy < f; dy++) {
        const yy = y * f + dy;
        if (yy >= front.height) break;
        const row = yy * front.width;
        for (let dx = 0; dx < f; dx++) {
          const xx = x * f + dx;
          if (xx >= front.width) break;
          sum += front.data[row + xx]!;
          n++;
        }
      }
      small[y * sw + x] = sum / n;
    }
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(paper - (255 - v) * bleed * (paper / 255));
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, y >> 2);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const mx = width - 1 - x;
      const sx = Math.min(sw - 1, mx >> 2);
      img.data[row + x] = lut[small[sy * sw + sx]!]!;
    }
  }
  return img;
}
