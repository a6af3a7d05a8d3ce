import type { Rng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { BankItem } from '../domain/learning/bank';

/** What a student who got the item right (or wrong) writes, and its score. */
export function answerFor(item: BankItem, correct: boolean, rng: Rng): { answer: string | null; score: number; maxScore: number } {
  switch (item.type) {
    case 'single_choice': {
      if (correct) return { answer: item.answer, score: item.points, maxScore: item.points };
      const wrong = item.options.map((o) => o.key).filter((k) => k !== item.answer);
      // The first wrong option is an attractive distractor.
      const pick = rng() < 0.5 ? wrong[0] : wrong[Math.floor(rng() * wrong.length)];
      return { answer: pick ?? null, score: 0, maxScore: item.points };
    }
    case 'multiple_choice':
      return { answer: correct ? [...item.answer].sort().join(',') : 'A', score: correct ? item.points : 0, maxScore: item.points };
    case 'true_false':
      return { answer: String(correct ? item.answer : !item.answer), score: correct ? item.points : 0, maxScore: item.points };
    case 'numeric':
      return { answer: String(correct ? item.answer : item.answer + 1 + Math.floor(rng() * 9)), score: correct ? item.points : 0, maxScore: item.points };
    case 'short_text':
      return { answer: correct ? (item.answer[0] ?? 'x') : 'x', score: correct ? item.points : 0, maxScore: item.points };
    case 'open': {
      const score = correct ? item.maxScore : Math.floor(rng() * item.maxScore);
      return { answer: String(score), score, maxScore: item.maxScore };
    }
    default:
      return throwIllegalValue(item, 'item type');
  }
}
