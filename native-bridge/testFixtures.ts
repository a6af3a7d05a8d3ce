/**
 * Small real image and document files for tests (made with sharp and mupdf,
 * never mocked). Each page carries a black bar whose height tells the page
 * number, so tests can check order. Not part of the public face.
 */
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ScannedImage } from './contract';
import { parsePnmHeader, sniffMediaType } from './imageFormat';

export const FIXTURE_PAGE = { width: 120, height: 170 } as const;
const BAR_UNIT = 5;

function pagePixels(page: number, channels: 1 | 3 = 1): Buffer {
  const { width, height } = FIXTURE_PAGE;
  const pixels = Buffer.alloc(width * height * channels, 255);
  const barHeight = BAR_UNIT * (page + 1);
  pixels.fill(0, 0, barHeight * width * channels);
  return pixels;
}

export async function makePng(page = 0, dpi = 100): Promise<Uint8Array> {
  const { width, height } = FIXTURE_PAGE;
  const png = await sharp(pagePixels(page), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .withDensity(dpi)
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

export async function makeJpeg(page = 0, dpi = 100): Promise<Uint8Array> {
  const { width, height } = FIXTURE_PAGE;
  const jpeg = await sharp(pagePixels(page, 3), { raw: { width, height, channels: 3 } })
    .withDensity(dpi)
    .jpeg()
    .toBuffer();
  return new Uint8Array(jpeg);
}

export async function makeMultiPageTiff(pages: number): Promise<Uint8Array> {
  const { width, height } = FIXTURE_PAGE;
  const pixels = Buffer.concat(Array.from({ length: pages }, (_, p) => pagePixels(p)));
  const tiff = await sharp(pixels, { raw: { width, height: height * pages, channels: 1, pageHeight: height } })
    .tiff()
    .toBuffer();
  return new Uint8Array(tiff);
}

/** An A4 PDF whose page i has a black bar (i + 1) × 10 pt tall, made with mupdf. */
export async function makePdf(pages: number): Promise<Uint8Array> {
  const mupdf = await import('mupdf');
  const doc = new mupdf.PDFDocument();
  const a4: [number, number, number, number] = [0, 0, 595, 842];
  for (let i = 0; i < pages; i++) {
    const bar = 10 * (i + 1);
    const contents = `0 g 0 ${842 - bar} 595 ${bar} re f`;
    doc.insertPage(-1, doc.addPage(a4, 0, doc.newDictionary(), contents));
  }
  const bytes = new Uint8Array(doc.saveToBuffer('compress').asUint8Array());
  doc.destroy();
  return bytes;
}

export function makePgm(page = 0): Uint8Array {
  const { width, height } = FIXTURE_PAGE;
  const header = new TextEncoder().encode(`P5\n# PaperLoop fixture\n${width} ${height}\n255\n`);
  const pixels = pagePixels(page);
  const out = new Uint8Array(header.length + pixels.length);
  out.set(header, 0);
  out.set(pixels, header.length);
  return out;
}

export interface DecodedInfo {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Decodes (headers and raster size) any contract image; throws if it is not what it says. */
export async function decodeInfo(image: ScannedImage): Promise<DecodedInfo> {
  const sniffed = sniffMediaType(image.bytes);
  if (sniffed !== image.mediaType) throw new Error(`bytes are ${String(sniffed)}, labelled ${image.mediaType}`);
  if (image.mediaType === 'image/x-portable-graymap') {
    const header = parsePnmHeader(image.bytes);
    if (header === undefined) throw new Error('bad PGM header');
    if (image.bytes.length < header.dataOffset + header.dataLength) throw new Error('PGM raster is short');
    return { width: header.width, height: header.height, channels: header.channels };
  }
  const meta = await sharp(image.bytes).metadata();
  // decode the pixels too, not just the header
  await sharp(image.bytes).raw().toBuffer();
  return { width: meta.width ?? 0, height: meta.height ?? 0, channels: meta.channels ?? 0 };
}

/** Height of the black bar at the top of a fixture page, in pixels (reads page order back). */
export async function barHeight(image: ScannedImage): Promise<number> {
  const { data, info } = await sharp(image.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  let rows = 0;
  while (rows < info.height && (data[rows * info.width + Math.floor(info.width / 2)] ?? 255) < 128) rows++;
  return rows;
}

/**
 * Pages scanimage finished (renamed from `.part`) in the SANE batch folders made under `parent`,
 * seen through inotify: what the scanner fed, counted outside the driver.
 */
export function watchSaneBatchPages(parent: string): { finished: () => number; close: () => void } {
  const finished = new Set<string>();
  const watchers: FSWatcher[] = [];
  const watched = new Set<string>();
  const page = /^p\d{4}\.(pnm|png|tif)$/;
  const watchBatch = (dir: string) => {
    watched.add(dir);
    watchers.push(
      watch(dir, (_event, name) => {
        if (name !== null && page.test(name)) finished.add(join(dir, name));
      }),
    );
    for (const name of readdirSync(dir)) if (page.test(name)) finished.add(join(dir, name));
  };
  watchers.push(
    watch(parent, (_event, name) => {
      const dir = name === null ? '' : join(parent, name);
      if (name?.startsWith('paperloop-sane-') && existsSync(dir) && !watched.has(dir)) watchBatch(dir);
    }),
  );
  return { finished: () => finished.size, close: () => watchers.forEach((w) => w.close()) };
}
