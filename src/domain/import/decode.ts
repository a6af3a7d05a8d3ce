import { err, ok, type Result } from '../result';
import type { ImportIssue } from './issues';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
export type DecodedText = { text: string; encoding: TextEncodingName };

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * The bytes of an import file as text. UTF-8 is read strictly (a UTF-8 byte order mark is dropped);
 * UTF-16 is read when the file starts with its byte order mark. A file that is not UTF-8 is read as
 * GB18030 (what Excel writes on Chinese Windows) only when that is unambiguous: it decodes without
 * error, gives Chinese text, and no Chinese character sits inside a Latin word (which is what
 * Latin-1 accents look like when read as GB18030). Anything else is refused with the line of the
 * first byte that is not UTF-8 and how to save the file as UTF-8.
 */
export function decodeImportFile(bytes: Uint8Array, file: string): Result<DecodedText, ImportIssue[]> {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeStrict(bytes.subarray(2), 'utf-16le', file);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeStrict(bytes.subarray(2), 'utf-16be', file);
  const hasBom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = hasBom ? bytes.subarray(UTF8_BOM.length) : bytes;
  const badOffset = firstInvalidUtf8(body);
  if (badOffset === -1) return ok({ text: new TextDecoder('utf-8').decode(body), encoding: 'utf-8' });
  if (!hasBom) {
    const chinese = unambiguousGb18030(body);
    if (chinese !== undefined) return ok({ text: chinese, encoding: 'gb18030' });
  }
  return err([notUtf8Issue(file, body, badOffset)]);
}

function decodeStrict(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be', file: string): Result<DecodedText, ImportIssue[]> {
  try {
    return ok({ text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding });
  } catch {
    return err([{ file, line: 1, message: `the file starts with a ${encoding.toUpperCase()} byte order mark but is not valid ${encoding.toUpperCase()} text`, fix: saveAsUtf8(file) }]);
  }
}

function notUtf8Issue(file: string, bytes: Uint8Array, offset: number): ImportIssue {
  const byte = bytes[offset] ?? 0;
  return {
    file,
    line: lineAtByte(bytes, offset),
    message: `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8 text, and the file is not clearly Chinese GB18030 either, so its names would come out garbled`,
    fix: saveAsUtf8(file),
  };
}

function saveAsUtf8(file: string): string {
  return /\.csv$/i.test(file)
    ? 'save as CSV UTF-8: in Excel choose File › Save As › "CSV UTF-8 (Comma delimited) (*.csv)"; in LibreOffice tick "Edit filter settings" and choose Unicode (UTF-8)'
    : 'save the file as UTF-8 text (in a text editor: Save As, encoding UTF-8)';
}

/** 1-based line of a byte offset; lines end at LF, CRLF or a lone CR (all single bytes in the encodings read here). */
function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  const cont = (j: number) => j < n && ((bytes[j] ?? 0) & 0xc0) === 0x80;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let codePoint = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      if (!cont(i + k)) return i;
      codePoint = (codePoint << 6) | ((bytes[i + k] ?? 0) & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

const HAN = /\p{Script=Han}/u;
/** Characters a Chinese roster or item file holds beyond ASCII: Han, CJK and full-width punctuation, the name dot, quotes and dashes. */
const CHINESE_TEXT = /^[\p{Script=Han}\u3000-\u303f\uff00-\uffef\u00b7\u2010-\u2027\u2030-\u205e]$/u;
const isAsciiLetter = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));

/** The text, when the bytes are Chinese GB18030 beyond doubt; undefined otherwise. */
function unambiguousGb18030(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (text.includes('\ufffd') || !HAN.test(text)) return undefined;
  for (const c of text) if (c.charCodeAt(0) >= 0x80 && !CHINESE_TEXT.test(c)) return undefined;
  return hasLatinWordPairs(bytes) ? undefined : text;
}

/**
 * Whether a two-byte GB18030 character ends in an ASCII letter and touches an ASCII letter: Latin-1
 * "é" followed by "e" reads as one Han character, inside a Latin word, which Chinese text never does.
 */
function hasLatinWordPairs(bytes: Uint8Array): boolean {
  let i = 0;
  let previous: number | undefined;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      previous = b;
      i++;
      continue;
    }
    const second = bytes[i + 1];
    const length = second !== undefined && second >= 0x30 && second <= 0x39 ? 4 : 2;
    if (length === 2 && isAsciiLetter(second) && (isAsciiLetter(previous) || isAsciiLetter(bytes[i + 2]))) return true;
    previous = undefined;
    i += length;
  }
  return false;
}
