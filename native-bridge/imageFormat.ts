/** Recognise image and document bytes by their magic numbers, and read PNM headers. */
import type { MediaType } from './contract';

export type FileMediaType = MediaType | 'application/pdf' | 'image/x-portable-pixmap' | 'image/x-portable-bitmap';

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

export function sniffMediaType(bytes: Uint8Array): FileMediaType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (bytes[0] === 0x50 && bytes.length > 2 && isPnmSpace(bytes[2] ?? 0)) {
    if (bytes[1] === 0x35) return 'image/x-portable-graymap'; // P5
    if (bytes[1] === 0x36) return 'image/x-portable-pixmap'; // P6
    if (bytes[1] === 0x34) return 'image/x-portable-bitmap'; // P4
  }
  return undefined;
}

export interface PnmHeader {
  readonly magic: 'P4' | 'P5' | 'P6';
  readonly width: number;
  readonly height: number;
  /** 1 for P4 (bitmap). */
  readonly maxval: number;
  readonly channels: 1 | 3;
  /** Byte offset of the raster. */
  readonly dataOffset: number;
  /** Raster length the header promises. */
  readonly dataLength: number;
}

function isPnmSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Parses a binary PNM (P4/P5/P6) header, comments included; undefined if malformed. */
export function parsePnmHeader(bytes: Uint8Array): PnmHeader | undefined {
  const kind = sniffMediaType(bytes);
  if (kind !== 'image/x-portable-graymap' && kind !== 'image/x-portable-pixmap' && kind !== 'image/x-portable-bitmap') {
    return undefined;
  }
  const magic = kind === 'image/x-portable-graymap' ? 'P5' : kind === 'image/x-portable-pixmap' ? 'P6' : 'P4';
  const wanted = magic === 'P4' ? 2 : 3;
  const numbers: number[] = [];
  let at = 2;
  while (numbers.length < wanted && at < bytes.length) {
    const b = bytes[at] ?? 0;
    if (isPnmSpace(b)) {
      at++;
    } else if (b === 0x23) {
      while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
    } else if (b >= 0x30 && b <= 0x39) {
      let n = 0;
      while (at < bytes.length && (bytes[at] ?? 0) >= 0x30 && (bytes[at] ?? 0) <= 0x39) {
        n = n * 10 + ((bytes[at] ?? 0) - 0x30);
        at++;
      }
      numbers.push(n);
    } else {
      return undefined;
    }
  }
  // exactly one whitespace byte separates the header from the raster
  if (numbers.length < wanted || !isPnmSpace(bytes[at] ?? -1)) return undefined;
  const [width = 0, height = 0, maxval = 1] = numbers;
  if (width <= 0 || height <= 0 || maxval <= 0 || maxval > 65535) return undefined;
  const channels = magic === 'P6' ? 3 : 1;
  const bytesPerSample = maxval > 255 ? 2 : 1;
  const dataLength =
    magic === 'P4' ? Math.ceil(width / 8) * height : width * height * channels * bytesPerSample;
  return { magic, width, height, maxval, channels, dataOffset: at + 1, dataLength };
}
