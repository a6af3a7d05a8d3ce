import { seededRng } from '../../src/domain/random';
import type { GradedResponse } from '../../src/domain/response';
import type { BankItem } from '../../src/domain/learning';

/**
 * A synthetic scan: `students` students answering `perStudent` items each, drawn from the bank, with
 * outcomes from a simple ability model. Choice answers pick an option; open items get partial scores.
 */
export function syntheticScan(opts: {
  bank: readonly BankItem[];
  students: number;
  perStudent: number;
  date: string;
  seed: number | string;
  firstSeq?: number;
}): GradedResponse[] {
  const rng = seededRng(opts.seed);
  const out: GradedResponse[] = [];
  let seq = opts.firstSeq ?? 0;
  for (let s = 0; s < opts.students; s++) {
    const ability = (rng() - 0.5) * 3;
    for (let k = 0; k < opts.perStudent; k++) {
      const item = opts.bank[Math.floor(rng() * opts.bank.length)] as BankItem;
      const p = 1 / (1 + Math.exp(-(ability - item.difficulty)));
      const correct = rng() < p;
      let answer: string | null;
      let score = correct ? 1 : 0;
      let maxScore = 1;
      if (item.type === 'single_choice') answer = correct ? item.answer : (['A', 'B', 'C', 'D'].find((o) => o !== item.answer) ?? 'A');
      else if (item.type === 'open') {
        maxScore = item.maxScore;
        score = correct ? item.maxScore : Math.floor(rng() * item.maxScore);
        answer = String(score);
      } else answer = correct ? 'right' : 'wrong';
      out.push({
        studentId: `s${String(s + 1).padStart(2, '0')}`,
        itemId: item.id,
        itemVersion: item.version ?? 1,
        skills: [...item.skills],
        answer,
        score,
        maxScore,
        correct: score === maxScore,
        date: opts.date,
        seq: seq++,
      });
    }
  }
  return out;
}
