import sharp from 'sharp';
import type { GreyImage } from '../vision/image';

/**
 * Encodes a grey image as a baseline JPEG (the one node-only step of the generator). sharp writes it with three
 * channels (as a scanner in colour mode would); `bench:read` with BENCH_JPEG=grey re-encodes a one-channel copy,
 * as a scanner in Gray mode gives.
 */
export async function encodeJpeg(img: GreyImage, quality: number): Promise<Uint8Array> {
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
    .jpeg({ quality: q, optimiseCoding: false })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Encodes a grey image as PNG (lossless; for diagnostics and fixtures). */
export async function encodePng(img: GreyImage): Promise<Uint8Array> {
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).png({ compressionLevel: 3 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Decodes any image sharp reads (JPEG, PNG, TIFF…) to a grey image. */
export async function decodeToGrey(bytes: Uint8Array): Promise<GreyImage> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) {
    const out = new Uint8Array(info.width * info.height);
    for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]!;
    return { data: out, width: info.width, height: info.height };
  }
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
