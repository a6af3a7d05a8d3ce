/**
 * Turns a file (PDF, TIFF, JPEG, PNG, PNM) into page images.
 * PDFs are rendered with mupdf at the requested dpi; multi-page TIFFs are
 * split with sharp; single images are passed through unchanged.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import {
  err,
  ok,
  scanError,
  type ColorMode,
  type ResolutionRange,
  type Result,
  type ScanError,
  type ScannedImage,
} from './contract';
import { parsePnmHeader, sniffMediaType } from './imageFormat';

export interface ImportOptions {
  /** Resolution for rendering PDF pages. */
  readonly dpi: number;
  /** Colour space for rendering PDF pages and converting split TIFF pages. */
  readonly mode: ColorMode;
  /** Recorded as `sourceName` on every page (a file name). */
  readonly sourceName?: string;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = { dpi: 300, mode: 'gray' };

/** Resolutions at which file-based drivers (hot folder, replay) render PDF pages. */
export const RENDER_DPI_RANGE: ResolutionRange = { min: 50, max: 1200, step: 1 };

/** PDF user-space units per inch. */
const PDF_POINTS_PER_INCH = 72;

const unsupported = (message: string, cause?: unknown): ScanError =>
  scanError('Unsupported', message, cause === undefined ? undefined : String(cause instanceof Error ? cause.message : cause));

export async function importFile(
  path: string,
  options: ImportOptions = DEFAULT_IMPORT_OPTIONS,
): Promise<Result<ScannedImage[], ScanError>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    return err(scanError('DeviceError', `Cannot read ${path}`, String(cause)));
  }
  return importBytes(bytes, { ...options, sourceName: options.sourceName ?? basename(path) });
}

export async function importBytes(
  bytes: Uint8Array,
  options: ImportOptions = DEFAULT_IMPORT_OPTIONS,
): Promise<Result<ScannedImage[], ScanError>> {
  const type = sniffMediaType(bytes);
  const name = options.sourceName ?? 'input';
  try {
    switch (type) {
      case 'application/pdf':
        return await renderPdf(bytes, options);
      case 'image/tiff':
        return await splitTiff(bytes, options);
      case 'image/png':
      case 'image/jpeg':
        return ok([withName({ bytes, mediaType: type, ...(await densityOf(bytes)) }, options)]);
      case 'image/x-portable-graymap':
        return importPgm(bytes, options);
      case 'image/x-portable-pixmap':
      case 'image/x-portable-bitmap':
        return await pnmToPng(bytes, options);
      case undefined:
        return err(unsupported(`${name} is not a PDF, TIFF, JPEG, PNG or PNM file`));
    }
  } catch (cause) {
    return err(unsupported(`Cannot read ${name}`, cause));
  }
}

function withName(image: ScannedImage, options: ImportOptions): ScannedImage {
  return options.sourceName === undefined ? image : { ...image, sourceName: options.sourceName };
}

async function densityOf(bytes: Uint8Array): Promise<{ dpi?: number }> {
  const meta = await sharp(bytes).metadata();
  return meta.density !== undefined && meta.density > 0 ? { dpi: Math.round(meta.density) } : {};
}

async function renderPdf(bytes: Uint8Array, options: ImportOptions): Promise<Result<ScannedImage[], ScanError>> {
  const mupdf = await import('mupdf');
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  try {
    const count = doc.countPages();
    if (count === 0) return err(unsupported(`${options.sourceName ?? 'PDF'} has no pages`));
    const scale = options.dpi / PDF_POINTS_PER_INCH;
    const colorspace = options.mode === 'gray' ? mupdf.ColorSpace.DeviceGray : mupdf.ColorSpace.DeviceRGB;
    const pages: ScannedImage[] = [];
    for (let i = 0; i < count; i++) {
      const page = doc.loadPage(i);
      const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), colorspace, false, true);
      pixmap.setResolution(options.dpi, options.dpi);
      pages.push(withName({ bytes: new Uint8Array(pixmap.asPNG()), mediaType: 'image/png', dpi: options.dpi }, options));
      pixmap.destroy();
      page.destroy();
    }
    return ok(pages);
  } finally {
    doc.destroy();
  }
}

async function splitTiff(bytes: Uint8Array, options: ImportOptions): Promise<Result<ScannedImage[], ScanError>> {
  const meta = await sharp(bytes).metadata();
  const count = meta.pages ?? 1;
  const density = meta.density !== undefined && meta.density > 0 ? { dpi: Math.round(meta.density) } : {};
  if (count <= 1) return ok([withName({ bytes, mediaType: 'image/tiff', ...density }, options)]);
  const pages: ScannedImage[] = [];
  for (let page = 0; page < count; page++) {
    let image = sharp(bytes, { page });
    if (options.mode === 'gray') image = image.toColourspace('b-w');
    const png = await image.png().toBuffer();
    pages.push(withName({ bytes: new Uint8Array(png), mediaType: 'image/png', ...density }, options));
  }
  return ok(pages);
}

function importPgm(bytes: Uint8Array, options: ImportOptions): Result<ScannedImage[], ScanError> {
  const header = parsePnmHeader(bytes);
  if (header === undefined || bytes.length < header.dataOffset + header.dataLength) {
    return err(unsupported(`${options.sourceName ?? 'PGM'} is truncated or malformed`));
  }
  return ok([withName({ bytes, mediaType: 'image/x-portable-graymap' }, options)]);
}

/** P6 (colour) and P4 (bitmap) have no media type in the contract: convert them to PNG. */
async function pnmToPng(bytes: Uint8Array, options: ImportOptions): Promise<Result<ScannedImage[], ScanError>> {
  const header = parsePnmHeader(bytes);
  if (header === undefined || bytes.length < header.dataOffset + header.dataLength || header.maxval > 255) {
    return err(unsupported(`${options.sourceName ?? 'PNM'} is truncated, malformed or 16-bit`));
  }
  const raster = bytes.subarray(header.dataOffset, header.dataOffset + header.dataLength);
  let pixels: Uint8Array = raster;
  if (header.magic === 'P4') {
    const rowBytes = Math.ceil(header.width / 8);
    pixels = new Uint8Array(header.width * header.height);
    for (let y = 0; y < header.height; y++) {
      for (let x = 0; x < header.width; x++) {
        const bit = ((raster[y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
        pixels[y * header.width + x] = bit === 1 ? 0 : 255; // PBM: 1 is black
      }
    }
  }
  const png = await sharp(pixels, { raw: { width: header.width, height: header.height, channels: header.channels } })
    .png()
    .toBuffer();
  return ok([withName({ bytes: new Uint8Array(png), mediaType: 'image/png' }, options)]);
}
