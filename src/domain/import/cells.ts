/** Reading single CSV cells: numbers, whole numbers, yes/no values, |-separated lists, language codes. */

export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string; fix: string };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number written in the usual way: 3, -2, 0.5, 1e3. A decimal comma is explained. */
export function numberCell(raw: string): CellResult<number> {
  const s = raw.trim();
  if (NUMBER.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return { ok: true, value: n };
    return { ok: false, message: `"${s}" is too large a number`, fix: 'write a smaller number' };
  }
  if (/^[+-]?\d+,\d+$/.test(s)) return { ok: false, message: `"${s}" uses a decimal comma`, fix: `write it with a decimal point: ${s.replace(',', '.')}` };
  return { ok: false, message: `"${s}" is not a number`, fix: 'write a number like 3, -2 or 0.5' };
}

const TRUE = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f']);

/** true/false, yes/no, y/n, 1/0 (any case). */
export function booleanCell(raw: string): CellResult<boolean> {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return { ok: true, value: true };
  if (FALSE.has(s)) return { ok: true, value: false };
  return { ok: false, message: `"${raw.trim()}" is not true or false`, fix: 'write true or false (yes/no and 1/0 also work)' };
}

/** Values separated by |, trimmed; empty parts are dropped. */
export function listCell(raw: string): string[] {
  return raw
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A language code as PaperLoop writes it: "zh", "en", "zh-TW". Returns undefined if it is not one. */
export function canonicalLanguage(raw: string): string | undefined {
  const m = /^([a-zA-Z]{2})(?:[-_]([a-zA-Z]{2}))?$/.exec(raw.trim());
  if (!m || !m[1]) return undefined;
  return m[2] ? `${m[1].toLowerCase()}-${m[2].toUpperCase()}` : m[1].toLowerCase();
}

/** Control characters (C0, DEL, C1) and the invisible bidirectional overrides that reorder printed text. */
const UNPRINTABLE_CHARACTER = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** A name or id as printed on paper: refused when it holds a control character, which cannot be printed and hides what the name says. */
export function printableCell(value: string): CellResult<string> {
  const m = UNPRINTABLE_CHARACTER.exec(value);
  if (!m) return { ok: true, value };
  const code = `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    ok: false,
    message: `contains the control character ${code} (character ${Array.from(value.slice(0, m.index)).length + 1}), which cannot be printed`,
    fix: 'delete the invisible character: retype the value by hand (a value copied from another program often carries one); a line break inside the cell counts too',
  };
}
