import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodePnm, tesseractLangPath, zxingReaderWasm } from './decode';
import { crop, downsample, type GreyImage } from './image';
import { chooseDpi, inkOutside, measurePageInk, pageFromGrey, reduceFactorFor } from './page';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';

const W = 1240;
const H = 1754;
const raw = new Uint8Array(W * H).fill(240);
raw.fill(20, 100 * W, 100 * W + 50);

const encode = (fmt: 'jpeg' | 'png' | 'tiff', density?: number) => {
  let s = sharp(Buffer.from(raw), { raw: { width: W, height: H, channels: 1 } });
  if (density) s = s.withMetadata({ density });
  return s.toFormat(fmt).toBuffer();
};

const sameImage = (a: GreyImage, b: GreyImage) => a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));

describe('decodeImage', () => {
  it.each(['png', 'tiff'] as const)('decodes %s to 8-bit grey with the reduced image', async (fmt) => {
    const p = await decodeImage(await encode(fmt, 300));
    const full = await p.full();
    expect([p.width, p.height, full.width, full.height]).toEqual([W, H, W, H]);
    expect(full.data.length).toBe(W * H);
    expect(full.data[0]).toBeGreaterThan(230);
    expect(full.data[100 * W + 10]).toBeLessThan(60);
    expect([p.reduced.width, p.reduced.height]).toEqual([W / 2, H / 2]);
    expect(p.reduceFactor).toBe(2);
    expect(sameImage(p.coarse!.image, downsample(p.reduced, 4))).toBe(true);
    expect(p.dpi).toBe(300);
    expect(p.dpiSource).toBe('file');
    expect(p.decodeMs).toBeGreaterThanOrEqual(0);
  });

  it('shrinks a 300 dpi JPEG on load to 1/8 and decodes the full image or a rectangle of it only when asked', async () => {
    const square = new Uint8Array(W * H).fill(240);
    for (let y = 400; y < 480; y++) square.fill(20, y * W + 400, y * W + 480);
    const jpeg = await sharp(Buffer.from(square), { raw: { width: W, height: H, channels: 1 } }).withMetadata({ density: 300 }).jpeg().toBuffer();
    const p = await decodeImage(jpeg);
    expect([p.width, p.height, p.dpi, p.reduceFactor]).toEqual([W, H, 300, 8]);
    expect([p.reduced.width, p.reduced.height]).toEqual([W / 8, Math.ceil(H / 8)]);
    expect(p.reduced.data[55 * p.reduced.width + 55]).toBeLessThan(40);
    expect(p.reduced.data[45 * p.reduced.width + 45]).toBeGreaterThan(220);
    const rect = { x: 380, y: 390, w: 120, h: 30 };
    const region = await p.region(rect);
    const full = await p.full();
    expect(await p.full()).toBe(full);
    expect([full.width, full.height]).toEqual([W, H]);
    expect(region).toEqual(crop(full, rect));
    // The scaled decode sees what a box filter of the full image sees.
    const box = downsample(full, 8);
    let diff = 0;
    for (let i = 0; i < box.data.length; i++) diff += Math.abs(box.data[i]! - p.reduced.data[i]!);
    expect(diff / box.data.length).toBeLessThan(2);
  });

  it('decodes a grey (one-channel) JPEG once, in full, with the reduced image and a 1/8 coarse view of it', async () => {
    const jpeg = await sharp(Buffer.from(raw), { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').withDensity(300).jpeg().toBuffer();
    expect((await sharp(jpeg).metadata()).channels).toBe(1);
    const p = await decodeImage(jpeg);
    const full = await p.full();
    expect([p.reduceFactor, p.reduced.width, p.coarse?.reduceFactor, p.coarse?.image.width]).toEqual([2, W / 2, 8, W / 8]);
    expect(sameImage(p.reduced, downsample(full, 2))).toBe(true);
    expect(sameImage(p.coarse!.image, downsample(p.reduced, 4))).toBe(true);
    // The same pixels as the colour JPEG of that grey image gives in full.
    const colour = await decodeImage(await sharp(Buffer.from(raw), { raw: { width: W, height: H, channels: 1 } }).withMetadata({ density: 300 }).jpeg().toBuffer());
    expect(colour.reduceFactor).toBe(8);
    expect(sameImage(await colour.full(), full)).toBe(true);
  });

  it('shrinks a grey JPEG on load first when asked (greyCoarseFirst), with the same full image', async () => {
    const jpeg = await sharp(Buffer.from(raw), { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').withDensity(300).jpeg().toBuffer();
    const first = await decodeImage(jpeg, { greyCoarseFirst: true });
    expect([first.reduceFactor, first.reduced.width, first.coarse]).toEqual([8, W / 8, undefined]);
    expect(sameImage(await first.full(), await (await decodeImage(jpeg)).full())).toBe(true);
  });

  it('decodes a JPEG in full where no scaled decode fits (400 dpi: factor 3)', async () => {
    const p = await decodeImage(await encode('jpeg', 400));
    expect(p.reduceFactor).toBe(3);
    expect([p.reduced.width, p.reduced.height]).toEqual([Math.floor(W / 3), Math.floor(H / 3)]);
    expect((await p.full()).width).toBe(W);
  });

  it('guesses the dpi from the size when the file says 72', async () => {
    const p = await decodeImage(await encode('png', 72));
    expect(p.dpiSource).toBe('size');
    expect(p.dpi).toBeCloseTo(H / (297 / 25.4), 5);
    const given = await decodeImage(await encode('png'), { dpi: 300 });
    expect(given).toMatchObject({ dpi: 300, dpiSource: 'given' });
  });

  it('decodes colour with alpha by flattening onto white', async () => {
    const rgba = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const p = await decodeImage(rgba, { dpi: 300 });
    expect((await p.full()).data[0]).toBe(255);
  });

  it('decodes PNM (P5, P2, P6, P4) itself', async () => {
    const p5 = Buffer.concat([Buffer.from(`P5\n# comment\n${W} ${H}\n255\n`), Buffer.from(raw)]);
    const d = await decodeImage(p5, { dpi: 300 });
    expect(Array.from((await d.full()).data.subarray(100 * W, 100 * W + 3))).toEqual([20, 20, 20]);
    expect(Array.from(decodePnm(Buffer.from('P2\n2 1\n15\n0 15\n')).data)).toEqual([0, 255]);
    expect(Array.from(decodePnm(Buffer.from([...Buffer.from('P6\n1 1\n255\n'), 255, 255, 255])).data)).toEqual([255]);
    expect(Array.from(decodePnm(Buffer.from([...Buffer.from('P4\n3 1\n'), 0b10100000])).data)).toEqual([0, 255, 0]);
    expect(() => decodePnm(Buffer.from('P5\nx y\n255\n'))).toThrow();
  });

  it('rejects what is not an image', async () => {
    await expect(decodeImage(Buffer.from('not an image at all'))).rejects.toThrow();
  });
});

describe('page helpers', () => {
  it('chooses the dpi: given, then plausible file density, then size, then default', () => {
    const s = S;
    expect(chooseDpi({ width: 2480, height: 3508 }, 300, 150, s)).toEqual({ dpi: 150, source: 'given' });
    expect(chooseDpi({ width: 2480, height: 3508 }, 300, undefined, s)).toEqual({ dpi: 300, source: 'file' });
    expect(chooseDpi({ width: 2480, height: 3508 }, 72, undefined, s).source).toBe('size');
    expect(chooseDpi({ width: 100, height: 80 }, undefined, undefined, s)).toEqual({ dpi: 300, source: 'default' });
    expect(chooseDpi({ width: 100, height: 80 }, undefined, undefined, VisionSettings.parse({ decode: { defaultDpi: 200 } })).dpi).toBe(200);
  });

  it('reduces towards 150 dpi by a whole factor', () => {
    expect([100, 200, 300, 400, 600, 1200].map((d) => reduceFactorFor(d, S))).toEqual([1, 1, 2, 3, 4, 4]);
  });

  it('wraps a grey image and measures page ink', () => {
    const p = pageFromGrey({ data: raw, width: W, height: H }, 300);
    expect(p.reduced.width).toBe(W / 2);
    const ink = measurePageInk(p.reduced, S);
    expect(ink.paper).toBe(240);
    expect(ink.inkFraction).toBeLessThan(0.001);
  });

  it('counts the ink outside given rectangles (full-resolution px), as the blank check counts it', () => {
    const img = { data: new Uint8Array(100 * 100).fill(240), width: 100, height: 100 };
    for (const [x0, y0] of [[10, 10], [60, 60]] as const) for (let y = y0; y < y0 + 10; y++) img.data.fill(20, y * 100 + x0, y * 100 + x0 + 10);
    const reduced = downsample(img, 2);
    expect(inkOutside(reduced, 2, 150, [])).toBeCloseTo(50 / 2500, 5);
    expect(inkOutside(reduced, 2, 150, [{ x: 8, y: 8, w: 14, h: 14 }])).toBeCloseTo(25 / 2500, 5);
    expect(inkOutside(reduced, 2, 150, [{ x: 8, y: 8, w: 14, h: 14 }, { x: 60, y: 60, w: 10, h: 10 }])).toBe(0);
  });
});

describe('offline assets', () => {
  it('finds the zxing wasm and the tesseract traineddata in node_modules', () => {
    const wasm = zxingReaderWasm();
    expect(wasm.length).toBeGreaterThan(100_000);
    expect(Array.from(wasm.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(existsSync(path.join(tesseractLangPath(), 'eng.traineddata.gz'))).toBe(true);
    expect(readFileSync(path.join(tesseractLangPath(), 'eng.traineddata.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
