import { describe, expect, it } from 'vitest';
import { auc, logLoss, pearson } from './metrics';

describe('prediction metrics', () => {
  it('AUC: perfect, reversed, ties, one class', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.2, 0.3], [1, 1])).toBeNull();
  });
  it('log-loss and correlation', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 10);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-5);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 1], [2, 3])).toBeNull();
  });
});
