import { describe, expect, it } from 'vitest';
import { seededRng } from '../random';
import { chooseModel } from './modelChoice';
import { DEFAULT_LEARNING_SETTINGS as S } from './settings';

describe('chooseModel', () => {
  const seed = 'model-choice/1';
  const rng = seededRng(seed);
  const truth = Array.from({ length: 3000 }, () => 0.2 + 0.6 * rng());
  const outcomes = truth.map((p) => (rng() < p ? 1 : 0));
  const flat = truth.map(() => 0.5);

  it(`picks the predictor with the lower recent log-loss (seed ${seed})`, () => {
    expect(chooseModel({ elo: flat, logistic: truth, outcomes }, S).driver).toBe('logistic');
    expect(chooseModel({ elo: truth, logistic: flat, outcomes }, S).driver).toBe('elo');
  });

  it('keeps Elo until enough answers were predicted by both', () => {
    const few = S.modelChoice.minAnswers - 1;
    const c = chooseModel({ elo: flat.slice(0, few), logistic: truth.slice(0, few), outcomes: outcomes.slice(0, few) }, S);
    expect(c.driver).toBe('elo');
    expect(c.eloLogLoss).toBeNull();
  });

  it('judges on the recent window only: a model that got better recently takes over', () => {
    const improving = truth.map((p, i) => (i < 1000 ? 1 - p : p));
    const c = chooseModel({ elo: flat, logistic: improving, outcomes }, S);
    expect(c.answers).toBe(S.modelChoice.recentAnswers);
    expect(c.driver).toBe('logistic');
  });
});
