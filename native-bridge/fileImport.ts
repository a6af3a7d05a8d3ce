/**
 * Turns a file (PDF, TIFF, JPEG, PNG, PNM) into page images.
 * PDFs are rendered with mupdf at the requested dpi; multi-page TIFFs are
 * split with sharp; single images are passed through unchanged. Pages come
 * one at a time (a 200-page PDF is never held rendered in memory), and a file
 * or page that cannot be read is a typed refusal, never an exception.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import {
  err,
  ok,
  scanError,
  throwIllegalValue,
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
  /** Called as each page of a PDF or multi-page TIFF starts to render (0-based index): progress. */
  readonly onRender?: (pageIndex: number, pageCount: number) => void;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = { dpi: 300, mode: 'gray' };

/** Resolutions at which file-based drivers (hot folder, replay) render PDF pages. */
export const RENDER_DPI_RANGE: ResolutionRange = { min: 50, max: 1200, step: 1 };

/** PDF user-space units per inch. */
const PDF_POINTS_PER_INCH = 72;

/** Files larger than this are refused unread (a scanned stack of 200 pages is well under it). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/**
 * Pages with more pixels than this are refused before decoding: a decompression bomb or a huge
 * declared size. A3 at 600 dpi is 70 megapixels, A4 at 1200 dpi 140.
 */
export const MAX_PAGE_PIXELS = 150_000_000;

/**
 * Why a file (or one page of it) gives no page image. `unreadable_file`: it cannot be opened as a
 * regular file (missing, a folder, a FIFO, a device, a symlink loop, no permission, too big);
 * `unreadable_image`: its bytes are not a page image we can decode; `image_too_large`: its
 * declared size is beyond MAX_PAGE_PIXELS.
 */
export type ImportRefusal = { readonly reason: 'unreadable_file' | 'unreadable_image' | 'image_too_large'; readonly detail: string };

/** One page of an imported file, or why that page (or the whole file) could not be had. */
export type ImportedPage = Result<ScannedImage, ImportRefusal>;

const refused = (reason: ImportRefusal['reason'], detail: string): ImportedPage => err({ reason, detail });
const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/** A refusal as the ScanError the drivers report: a file that cannot be opened is a device error. */
export function refusalAsScanError(r: ImportRefusal): ScanError {
  return scanError(r.reason === 'unreadable_file' ? 'DeviceError' : 'Unsupported', r.detail);
}

/**
 * Reads a regular file whole, refusing anything else without blocking on it: a FIFO is opened
 * non-blocking and refused, /dev/zero is a device and refused, a size above the cap is refused unread.
 */
export async function readRegularFile(path: string, maxBytes = MAX_IMPORT_BYTES): Promise<Result<Uint8Array, ImportRefusal>> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'ELOOP' ? 'a symbolic link loop' : code === 'EACCES' || code === 'EPERM' ? 'no permission to read it' : messageOf(cause);
    return err({ reason: 'unreadable_file', detail: `cannot open ${path}: ${why}` });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return err({ reason: 'unreadable_file', detail: `${path} is a folder, not a file` });
    if (!info.isFile()) return err({ reason: 'unreadable_file', detail: `${path} is not a regular file (a device, FIFO or socket)` });
    if (info.size > maxBytes) return err({ reason: 'unreadable_file', detail: `${path} is ${Math.round(info.size / 2 ** 20)} MB, more than the ${Math.round(maxBytes / 2 ** 20)} MB a scan file may be; split it` });
    return ok(new Uint8Array(await handle.readFile()));
  } catch (cause) {
    return err({ reason: 'unreadable_file', detail: `cannot read ${path}: ${messageOf(cause)}` });
  } finally {
    await handle.close();
  }
}

/** Every page of a file, one at a time: a PDF or multi-page TIFF is rendered page by page as it is pulled. */
export async function* importFilePages(path: string, options: ImportOptions = DEFAULT_IMPORT_OPTIONS): AsyncGenerator<ImportedPage> {
  const bytes = await readRegularFile(path);
  if (!bytes.ok) {
    yield bytes;
    return;
  }
  yield* importBytesPages(bytes.value, { ...options, sourceName: options.sourceName ?? basename(path) });
}

/** Every page of a file's bytes, one at a time. Never throws: what cannot be read is a refusal. */
export async function* importBytesPages(bytes: Uint8Array, options: ImportOptions = DEFAULT_IMPORT_OPTIONS): AsyncGenerator<ImportedPage> {
  const name = options.sourceName ?? 'input';
  if (bytes.length === 0) {
    yield refused('unreadable_image', `${name} is an empty file`);
    return;
  }
  const type = sniffMediaType(bytes);
  try {
    switch (type) {
      case 'application/pdf':
        yield* renderPdf(bytes, options);
        return;
      case 'image/tiff':
        yield* splitTiff(bytes, options);
        return;
      case 'image/png':
      case 'image/jpeg':
        yield await singleImage(bytes, type, options);
        return;
      case 'image/x-portable-graymap':
        yield importPgm(bytes, options);
        return;
      case 'image/x-portable-pixmap':
      case 'image/x-portable-bitmap':
        yield await pnmToPng(bytes, options);
        return;
      case undefined:
        yield refused('unreadable_image', `${name} is not a PDF, TIFF, JPEG, PNG or PNM file`);
        return;
      default:
        throwIllegalValue(type);
    }
  } catch (cause) {
    yield refused('unreadable_image', `cannot read ${name}: ${messageOf(cause)}`);
  }
}

/** All pages of a file (for drivers that hand out whole files); the first refusal fails the file. */
export async function importFile(path: string, options: ImportOptions = DEFAULT_IMPORT_OPTIONS): Promise<Result<ScannedImage[], ScanError>> {
  return collect(importFilePages(path, options));
}

export async function importBytes(bytes: Uint8Array, options: ImportOptions = DEFAULT_IMPORT_OPTIONS): Promise<Result<ScannedImage[], ScanError>> {
  return collect(importBytesPages(bytes, options));
}

async function collect(pages: AsyncIterable<ImportedPage>): Promise<Result<ScannedImage[], ScanError>> {
  const all: ScannedImage[] = [];
  for await (const page of pages) {
    if (!page.ok) return err(refusalAsScanError(page.error));
    all.push(page.value);
  }
  return ok(all);
}

function withName(image: ScannedImage, options: ImportOptions): ScannedImage {
  return options.sourceName === undefined ? image : { ...image, sourceName: options.sourceName };
}

function tooLarge(width: number, height: number, options: ImportOptions, what = 'image'): ImportedPage | null {
  if (width * height <= MAX_PAGE_PIXELS) return null;
  return refused('image_too_large', `${options.sourceName ?? what} declares ${width}×${height} pixels, more than the ${MAX_PAGE_PIXELS / 1e6} megapixels a page may have; scan at a lower resolution`);
}

/** The end marker is missing: the file was cut short (a copy or transfer that did not finish). */
function isTruncated(bytes: Uint8Array, type: 'image/png' | 'image/jpeg'): boolean {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'image/png') return data.lastIndexOf('IEND', undefined, 'latin1') < 0;
  // The last start-of-scan marker (the main image's, after any EXIF thumbnail) must be followed by end-of-image.
  return data.lastIndexOf(Buffer.from([0xff, 0xd9])) < data.lastIndexOf(Buffer.from([0xff, 0xda]));
}

async function singleImage(bytes: Uint8Array, type: 'image/png' | 'image/jpeg', options: ImportOptions): Promise<ImportedPage> {
  if (isTruncated(bytes, type)) return refused('unreadable_image', `${options.sourceName ?? 'image'} is truncated (it has no end marker); copy or scan it again`);
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  const big = tooLarge(meta.width ?? 0, meta.height ?? 0, options);
  if (big) return big;
  return ok(withName({ bytes, mediaType: type, ...densityFrom(meta) }, options));
}

function densityFrom(meta: Metadata): { dpi?: number } {
  return meta.density !== undefined && meta.density > 0 ? { dpi: Math.round(meta.density) } : {};
}

async function* renderPdf(bytes: Uint8Array, options: ImportOptions): AsyncGenerator<ImportedPage> {
  const mupdf = await import('mupdf');
  const name = options.sourceName ?? 'PDF';
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  try {
    if (doc.needsPassword()) {
      yield refused('unreadable_image', `${name} is encrypted (password protected); save an unprotected copy`);
      return;
    }
    const count = doc.countPages();
    if (count === 0) {
      yield refused('unreadable_image', `${name} has no pages`);
      return;
    }
    const scale = options.dpi / PDF_POINTS_PER_INCH;
    const colorspace = options.mode === 'gray' ? mupdf.ColorSpace.DeviceGray : mupdf.ColorSpace.DeviceRGB;
    for (let i = 0; i < count; i++) {
      const pageName = `${name} page ${i + 1}`;
      options.onRender?.(i, count);
      let rendered: ImportedPage;
      try {
        rendered = renderPdfPage(mupdf, doc, i, scale, colorspace, { ...options, sourceName: pageName });
      } catch (cause) {
        rendered = refused('unreadable_image', `cannot render ${pageName}: ${messageOf(cause)}`);
      }
      yield rendered.ok ? ok(withName(rendered.value, options)) : rendered;
    }
  } finally {
    doc.destroy();
  }
}

function renderPdfPage(mupdf: typeof import('mupdf'), doc: import('mupdf').Document, index: number, scale: number, colorspace: import('mupdf').ColorSpace, options: ImportOptions): ImportedPage {
  const page = doc.loadPage(index);
  try {
    const [x0, y0, x1, y1] = page.getBounds();
    const big = tooLarge(Math.ceil((x1 - x0) * scale), Math.ceil((y1 - y0) * scale), options);
    if (big) return big;
    const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), colorspace, false, true);
    try {
      pixmap.setResolution(options.dpi, options.dpi);
      return ok({ bytes: new Uint8Array(pixmap.asPNG()), mediaType: 'image/png', dpi: options.dpi });
    } finally {
      pixmap.destroy();
    }
  } finally {
    page.destroy();
  }
}

async function* splitTiff(bytes: Uint8Array, options: ImportOptions): AsyncGenerator<ImportedPage> {
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  const count = meta.pages ?? 1;
  const big = tooLarge(meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0, options);
  if (big) {
    yield big;
    return;
  }
  if (count <= 1) {
    yield ok(withName({ bytes, mediaType: 'image/tiff', ...densityFrom(meta) }, options));
    return;
  }
  for (let page = 0; page < count; page++) {
    options.onRender?.(page, count);
    try {
      let image = sharp(bytes, { page, limitInputPixels: MAX_PAGE_PIXELS });
      if (options.mode === 'gray') image = image.toColourspace('b-w');
      const png = await image.png().toBuffer();
      yield ok(withName({ bytes: new Uint8Array(png), mediaType: 'image/png', ...densityFrom(meta) }, options));
    } catch (cause) {
      yield refused('unreadable_image', `cannot read ${options.sourceName ?? 'TIFF'} page ${page + 1}: ${messageOf(cause)}`);
    }
  }
}

function importPgm(bytes: Uint8Array, options: ImportOptions): ImportedPage {
  const header = parsePnmHeader(bytes);
  if (header === undefined || bytes.length < header.dataOffset + header.dataLength) {
    return refused('unreadable_image', `${options.sourceName ?? 'PGM'} is truncated or malformed`);
  }
  return tooLarge(header.width, header.height, options) ?? ok(withName({ bytes, mediaType: 'image/x-portable-graymap' }, options));
}

/** P6 (colour) and P4 (bitmap) have no media type in the contract: convert them to PNG. */
async function pnmToPng(bytes: Uint8Array, options: ImportOptions): Promise<ImportedPage> {
  const header = parsePnmHeader(bytes);
  if (header === undefined || bytes.length < header.dataOffset + header.dataLength || header.maxval > 255) {
    return refused('unreadable_image', `${options.sourceName ?? 'PNM'} is truncated, malformed or 16-bit`);
  }
  const big = tooLarge(header.width, header.height, options);
  if (big) return big;
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
  return ok(withName({ bytes: new Uint8Array(png), mediaType: 'image/png' }, options));
}
