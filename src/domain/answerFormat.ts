import type { ItemInput, ShortTextItem } from './item';
import { err, ok, throwIllegalValue, type Result } from './result';
import type { z } from 'zod';

export type AnswerProblem = { message: string; fix: string };

const DIGIT_COMB = /^[-0-9./]+$/;

/** A comb whose accepted answers are all digits (and - . /) is printed and read as a digit comb. */
export function combCharset(item: Pick<z.infer<typeof ShortTextItem>, 'answer'>): 'digits' | 'text' {
  return item.answer.every((a) => DIGIT_COMB.test(a)) ? 'digits' : 'text';
}
/** What a handwritten text comb can hold: letters, digits, maths symbols, dashes, spaces and everyday punctuation. */
const TEXT_COMB_CHARACTER = /^[\p{L}\p{M}\p{N}\p{Sm}\p{Pd} .,:'%°()/]$/u;

/**
 * A teacher's answer for a read, checked against what the item's printed field can hold and written
 * the way the reader writes it: a choice item takes only its option letters ('B', 'A,C'), true/false
 * T or F, a numeric grid a number with the grid's sign, decimals and digits, a comb only its
 * characters and at most one per box, an open item a score from 0 to its maximum. Blank is null.
 */
export function checkResolvedAnswer(item: ItemInput, raw: string | null): Result<string | null, AnswerProblem> {
  if (raw === null || raw.trim() === '') return ok(null);
  const answer = raw.trim();
  switch (item.type) {
    case 'single_choice': {
      const keys = item.options.map((o) => o.key);
      const key = answer.toUpperCase();
      return keys.includes(key) ? ok(key) : err({ message: `"${answer}" is not an option of this single-choice item`, fix: `give one of its options: ${keys.join(', ')}` });
    }
    case 'multiple_choice': {
      const keys = item.options.map((o) => o.key);
      const picked = answer.toUpperCase().split(/[\s,]+/).filter((k) => k !== '');
      const wrong = picked.filter((k) => !keys.includes(k));
      if (wrong.length || !picked.length)
        return err({ message: `"${answer}" is not a set of this item's options`, fix: `give its option letters separated by commas, e.g. ${keys.slice(0, 2).join(',')} (options: ${keys.join(', ')})` });
      return ok(keys.filter((k) => picked.includes(k)).join(','));
    }
    case 'true_false': {
      const t = answer.toUpperCase();
      if (t === 'T' || t === 'TRUE') return ok('T');
      if (t === 'F' || t === 'FALSE') return ok('F');
      return err({ message: `"${answer}" is not true or false`, fix: 'give T (true) or F (false)' });
    }
    case 'numeric':
      return checkNumeric(item, answer);
    case 'short_text':
      return checkComb(item, answer);
    case 'open': {
      const score = Number(answer);
      return /^\d+(\.\d+)?$/.test(answer) && score <= item.maxScore
        ? ok(answer)
        : err({ message: `"${answer}" is not a score of this open item (0 to ${item.maxScore})`, fix: `give the points the teacher awards with --score (0 to ${item.maxScore})` });
    }
    default:
      return throwIllegalValue(item, 'item type');
  }
}

function checkNumeric(item: Extract<ItemInput, { type: 'numeric' }>, answer: string): Result<string, AnswerProblem> {
  const grid = `${item.signed ? 'a sign, ' : ''}${item.digits} digit${item.digits === 1 ? '' : 's'}${item.decimals ? ` with up to ${item.decimals} after the point` : ''}`;
  const fix = `give a number its answer grid can hold (${grid}), e.g. ${item.signed ? '-' : ''}${'1'.repeat(Math.max(1, item.digits - item.decimals))}${item.decimals ? `.${'5'.repeat(item.decimals)}` : ''}`;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(answer);
  if (!m || (m[2] ?? '') + (m[3] ?? '') === '') return err({ message: `"${answer}" is not a number`, fix });
  const [, sign, whole = '', fraction = ''] = m;
  if (sign && !item.signed) return err({ message: `"${answer}" is negative but this item's grid has no sign column`, fix });
  if (fraction.length > item.decimals) return err({ message: `"${answer}" has ${fraction.length} decimal${fraction.length === 1 ? '' : 's'} but the grid has ${item.decimals}`, fix });
  if (whole.replace(/^0+(?=\d)/, '').length + fraction.length > item.digits) return err({ message: `"${answer}" has more digits than the grid's ${item.digits}`, fix });
  return ok(answer);
}

function checkComb(item: Extract<ItemInput, { type: 'short_text' }>, answer: string): Result<string, AnswerProblem> {
  const characters = Array.from(answer.replace(/\s+/g, ''));
  if (characters.length > item.boxes) return err({ message: `"${answer}" has ${characters.length} characters but the comb has ${item.boxes} boxes`, fix: `give at most ${item.boxes} characters, one per box` });
  if (combCharset(item) === 'digits') {
    return DIGIT_COMB.test(answer)
      ? ok(answer)
      : err({ message: `"${answer}" is not what this digit comb holds`, fix: 'give digits, with - . or / where the student wrote them' });
  }
  const inKey = new Set(item.answer.flatMap((a) => Array.from(a)));
  const foreign = Array.from(answer).find((c) => !TEXT_COMB_CHARACTER.test(c) && !inKey.has(c));
  return foreign === undefined
    ? ok(answer)
    : err({ message: `"${answer}" has the character ${shown(foreign)}, which a handwritten comb answer does not hold`, fix: 'give the letters, digits and maths symbols the student wrote' });
}

const shown = (c: string) => (/[\p{Cc}\p{Cf}\p{Z}]/u.test(c) ? `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`);
