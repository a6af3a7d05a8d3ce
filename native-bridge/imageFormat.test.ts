import { describe, expect, it } from 'vitest';
import { parsePnmHeader, sniffMediaType } from './imageFormat';
import { makeJpeg, makeMultiPageTiff, makePdf, makePgm, makePng } from './testFixtures';

describe('sniffMediaType', () => {
  it('recognises files by their magic numbers', async () => {
    expect(sniffMediaType(await makePng())).toBe('image/png');
    expect(sniffMediaType(await makeJpeg())).toBe('image/jpeg');
    expect(sniffMediaType(await makeMultiPageTiff(2))).toBe('image/tiff');
    expect(sniffMediaType(await makePdf(1))).toBe('application/pdf');
    expect(sniffMediaType(makePgm())).toBe('image/x-portable-graymap');
    expect(sniffMediaType(new TextEncoder().encode('P6 1 1 255 abc'))).toBe('image/x-portable-pixmap');
    expect(sniffMediaType(new TextEncoder().encode('Hello'))).toBeUndefined();
    expect(sniffMediaType(new Uint8Array())).toBeUndefined();
  });
});

describe('parsePnmHeader', () => {
  it('reads a header with a comment, as SANE writes it', () => {
    const bytes = new TextEncoder().encode('P5\n# SANE data follows\n413 585\n255\n');
    expect(parsePnmHeader(bytes)).toEqual({
      magic: 'P5',
      width: 413,
      height: 585,
      maxval: 255,
      channels: 1,
      dataOffset: bytes.length,
      dataLength: 413 * 585,
    });
  });

  it('handles 16-bit grey and bitmaps', () => {
    expect(parsePnmHeader(new TextEncoder().encode('P5 4 2 65535\n'))?.dataLength).toBe(16);
    expect(parsePnmHeader(new TextEncoder().encode('P4\n9 2\n'))?.dataLength).toBe(4);
  });

  it('rejects malformed headers', () => {
    expect(parsePnmHeader(new TextEncoder().encode('P5\n0 10\n255\n'))).toBeUndefined();
    expect(parsePnmHeader(new TextEncoder().encode('P5\n10 x\n255\n'))).toBeUndefined();
    expect(parsePnmHeader(new TextEncoder().encode('P5\n10 10'))).toBeUndefined();
  });
});
