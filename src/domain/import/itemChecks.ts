import {
  MultipleChoiceItem,
  NumericItem,
  OpenItem,
  ShortTextItem,
  SingleChoiceItem,
  TrueFalseItem,
  type ItemInput,
  type ItemType,
  type LocalizedText,
} from '../item';
import { throwIllegalValue } from '../result';
import { quote } from './issues';
import type { PathProblem } from './zodIssues';

/** Option keys in order; a paper item has at most eight options. */
export const OPTION_KEYS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;

/** The fields each item type has, as authored. */
export const ITEM_FIELDS: Readonly<Record<ItemType, readonly string[]>> = {
  single_choice: Object.keys(SingleChoiceItem.shape),
  multiple_choice: Object.keys(MultipleChoiceItem.shape),
  true_false: Object.keys(TrueFalseItem.shape),
  numeric: Object.keys(NumericItem.shape),
  short_text: Object.keys(ShortTextItem.shape),
  open: Object.keys(OpenItem.shape),
};

/** Number of decimal places a number needs (0–12), robust to binary floating point. */
export function decimalPlaces(x: number): number {
  for (let p = 0; p <= 12; p++) {
    const scaled = x * 10 ** p;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled))) return p;
  }
  return 13;
}

/** Digits a number needs before the decimal point (0 for |x| < 1). */
export function integerDigits(x: number): number {
  const int = Math.floor(Math.abs(x) + 1e-9);
  if (int === 0) return 0;
  if (int >= 1e21) return 22;
  return String(int).length;
}

/** Characters as a person counts them (code points), after trimming. */
export function charCount(s: string): number {
  return Array.from(s.trim()).length;
}

function blankTexts(text: LocalizedText | undefined, path: (string | number)[]): PathProblem[] {
  if (!text) return [];
  return Object.entries(text)
    .filter(([, v]) => v.trim() === '')
    .map(([lang]) => ({ path: [...path, lang], message: 'is blank (only spaces)', fix: 'write the text, or leave this language out' }));
}

/**
 * Checks beyond the schema, the same for every import format: choice answers are option keys,
 * option keys are unique, a numeric answer fits its digit grid, short answers fit their boxes,
 * texts are not blank. Returns every problem found, located by path in the item.
 */
export function checkItem(item: ItemInput): PathProblem[] {
  const out: PathProblem[] = [];
  out.push(...blankTexts(item.stem, ['stem']), ...blankTexts(item.hint, ['hint']));
  const seenSkills = new Set<string>();
  item.skills.forEach((s, i) => {
    if (seenSkills.has(s)) out.push({ path: ['skills', i], message: `skill ${quote(s)} is listed twice`, fix: 'list each skill once' });
    seenSkills.add(s);
  });
  switch (item.type) {
    case 'single_choice':
    case 'multiple_choice': {
      const keys: string[] = [];
      item.options.forEach((o, i) => {
        if (keys.includes(o.key))
          out.push({ path: ['options', i, 'key'], message: `option key ${quote(o.key)} is used twice`, fix: 'give every option its own letter A–H' });
        keys.push(o.key);
        out.push(...blankTexts(o.text, ['options', i, 'text']));
      });
      const known = [...new Set(keys)];
      const notOption = (a: string, path: (string | number)[]): PathProblem => ({
        path,
        message: `${quote(a)} is not an option of this item`,
        fix: `use one of ${known.join(', ')}`,
      });
      if (item.type === 'single_choice') {
        if (!known.includes(item.answer)) out.push(notOption(item.answer, ['answer']));
      } else {
        const seen = new Set<string>();
        item.answer.forEach((a, i) => {
          if (!known.includes(a)) out.push(notOption(a, ['answer', i]));
          else if (seen.has(a)) out.push({ path: ['answer', i], message: `${quote(a)} is listed twice`, fix: 'list each correct option once' });
          seen.add(a);
        });
      }
      break;
    }
    case 'numeric': {
      const { answer, digits, decimals, signed } = item;
      if (decimals > digits) {
        out.push({
          path: ['decimals'],
          message: `the grid offers ${decimals} decimal places but has only ${digits} digits in all`,
          fix: `raise digits to at least ${decimals}, or lower decimals`,
        });
        break;
      }
      if (answer < 0 && !signed)
        out.push({ path: ['answer'], message: `${answer} is negative but the grid has no sign`, fix: 'set signed to true, or correct the answer' });
      const places = decimalPlaces(answer);
      if (places > decimals)
        out.push({
          path: ['answer'],
          message: `${answer} has ${places > 12 ? 'more than 12' : places} decimal place${places === 1 ? '' : 's'} but the grid offers ${decimals}`,
          fix: places <= 4 ? `set decimals to ${places} (and digits to fit), or round the answer` : 'round the answer to at most 4 decimal places',
        });
      const intDigits = integerDigits(answer);
      const room = digits - decimals;
      if (intDigits > room)
        out.push({
          path: ['answer'],
          message: `${answer} needs ${intDigits} digit${intDigits === 1 ? '' : 's'} before the decimal point but the grid has ${room} (digits ${digits} − decimals ${decimals})`,
          fix: intDigits + decimals <= 8 ? `raise digits to ${intDigits + decimals}` : 'the grid has at most 8 digits: author a smaller answer, or make it an open item',
        });
      break;
    }
    case 'short_text': {
      item.answer.forEach((a, i) => {
        const n = charCount(a);
        if (n === 0) out.push({ path: ['answer', i], message: 'is blank (only spaces)', fix: 'write the accepted answer, or remove it' });
        else if (n > item.boxes)
          out.push({
            path: ['answer', i],
            message: `${quote(a)} has ${n} characters but there are only ${item.boxes} boxes`,
            fix: n <= 12 ? `raise boxes to ${n}, or shorten the answer` : 'at most 12 boxes fit: shorten the answer, or make it an open item',
          });
      });
      break;
    }
    case 'open':
      out.push(...blankTexts(item.rubric, ['rubric']));
      break;
    case 'true_false':
      break;
    default:
      throwIllegalValue(item, 'item type');
  }
  return out;
}
