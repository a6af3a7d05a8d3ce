import type { ItemInput } from './item';
import { maxPoints } from './item';
import { throwIllegalValue } from './result';

export type GradingSettings = { multipleChoicePartialCredit: 'none' | 'per_option' };
export type Grade = { score: number; maxScore: number; correct: boolean };

const normaliseOnce = (s: string): string =>
  s
    .normalize('NFKC')
    .replace(/[−–—]/g, '-')
    .replace(/\s+/g, '')
    .toLowerCase();

/**
 * Normalises a short written answer for comparison: case, spaces and full-width forms do not matter.
 * Repeated until nothing changes: NFKC can make a space (U+0384 → space + accent) whose removal lets
 * the accent compose with the letter before it, and lower-casing can undo NFC ('İ').
 */
export function normaliseText(s: string): string {
  let current = s;
  for (;;) {
    const next = normaliseOnce(current);
    if (next === current) return next;
    current = next;
  }
}

const parseNumber = (s: string): number | null => {
  const t = normaliseText(s);
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  return Number(t);
};

/**
 * Grades one answer against the key. `answer` is the read value: 'B', 'A,C', 'T'/'F', '-12.5',
 * the written text, or for open items the teacher's score. null means blank.
 */
export function gradeAnswer(item: ItemInput, answer: string | null, settings: GradingSettings): Grade {
  const max = maxPoints(item);
  const none: Grade = { score: 0, maxScore: max, correct: false };
  if (answer === null || answer === '') return none;
  switch (item.type) {
    case 'single_choice':
      return answer === item.answer ? { score: max, maxScore: max, correct: true } : none;
    case 'true_false':
      return (answer === 'T') === item.answer && (answer === 'T' || answer === 'F') ? { score: max, maxScore: max, correct: true } : none;
    case 'multiple_choice': {
      const picked = new Set(answer.split(',').filter(Boolean));
      const key = new Set(item.answer);
      const right = [...picked].filter((p) => key.has(p)).length;
      const wrong = picked.size - right;
      const exact = right === key.size && wrong === 0;
      if (exact) return { score: max, maxScore: max, correct: true };
      if (settings.multipleChoicePartialCredit === 'none') return none;
      const fraction = Math.max(0, (right - wrong) / key.size);
      return { score: Math.round(fraction * max * 100) / 100, maxScore: max, correct: false };
    }
    case 'numeric': {
      const x = parseNumber(answer);
      if (x === null) return none;
      return Math.abs(x - item.answer) <= item.tolerance + 1e-9 ? { score: max, maxScore: max, correct: true } : none;
    }
    case 'short_text': {
      const a = normaliseText(answer);
      return item.answer.some((k) => normaliseText(k) === a) ? { score: max, maxScore: max, correct: true } : none;
    }
    case 'open': {
      const s = Number(answer);
      if (!Number.isFinite(s) || s < 0 || s > item.maxScore) return none;
      return { score: s, maxScore: max, correct: s === item.maxScore };
    }
    default:
      return throwIllegalValue(item, 'item type');
  }
}
