import { describe, expect, it } from 'vitest';
import { seededRng } from '../random';
import type { GradedResponse } from '../response';
import { FEATURES, fitLogistic, LogisticKt, untrainedLogisticParams, type FeatureName, type LogisticKtParams } from './logisticKt';
import { auc } from './metrics';

const SEED = 'logistic-kt-recovery/1';

/** Answers drawn from a known logistic model: students practise random items of 20 skills. */
function simulate(truth: LogisticKtParams, itemBias: ReadonlyMap<string, number>, students: number, perStudent: number, seed: string): GradedResponse[] {
  const rng = seededRng(seed);
  const model = new LogisticKt(truth);
  for (const [id, b] of itemBias) model.items.set(id, { w: b, g2: 0, prior: b });
  const items = [...itemBias.keys()];
  const out: GradedResponse[] = [];
  for (let s = 0; s < students; s++)
    for (let n = 0; n < perStudent; n++) {
      const itemId = items[Math.floor(rng() * items.length)] as string;
      const skills = [`k${Number(itemId.slice(1)) % 20}`];
      const studentId = `${seed}-s${s}`;
      const correct = rng() < model.predict(studentId, itemId, skills);
      model.observe(studentId, itemId, skills, correct ? 1 : 0, false);
      out.push({ studentId, itemId, itemVersion: 1, skills, answer: null, score: correct ? 1 : 0, maxScore: 1, correct, date: '2025-01-06', seq: out.length });
    }
  return out;
}

describe('logistic KT model', () => {
  const truthWeights: Partial<Record<FeatureName, number>> = { bias: -0.3, skill_wins: 0.8, skill_attempts: -0.3, total_wins: 0.3, total_attempts: -0.2, skill_last: 0.4, item_last: 0.5 };
  const truth: LogisticKtParams = {
    ...untrainedLogisticParams('truth'),
    weights: Object.fromEntries(FEATURES.map((f) => [f, truthWeights[f] ?? 0])) as Record<FeatureName, number>,
  };
  const rng = seededRng(`${SEED}|items`);
  const itemBias = new Map(Array.from({ length: 60 }, (_, i) => [`i${i}`, 1.5 * (rng() - 0.5) * 2] as const));

  it(`recovers the weights it was simulated with (seed ${SEED})`, () => {
    const train = simulate(truth, itemBias, 120, 150, `${SEED}|train`);
    const { params, fitted } = fitLogistic({ ...untrainedLogisticParams(), l2: 0 }, train, { epochs: 4, version: 't', fittedOn: 'sim' });
    for (const f of ['skill_last', 'item_last'] as const) expect(Math.abs(params.weights[f] - truth.weights[f]), f).toBeLessThan(0.15);
    // The skill count weights are the global weight plus the skill's own term (their mean is the prior).
    expect(Math.abs(params.weights.skill_wins + params.skillWinsPrior - truth.weights.skill_wins)).toBeLessThan(0.3);
    expect(Math.abs(params.weights.skill_attempts + params.skillAttemptsPrior - truth.weights.skill_attempts)).toBeLessThan(0.3);
    // Learned item terms follow the true item biases.
    const learned = [...itemBias.keys()].map((id) => fitted.items.get(id)?.w ?? 0);
    const r = correlation(learned, [...itemBias.values()]);
    expect(r).toBeGreaterThan(0.9);
    // On new students, the fitted model predicts almost as well as the truth.
    const test = simulate(truth, itemBias, 30, 150, `${SEED}|test`);
    const truthModel = new LogisticKt(truth);
    for (const [id, b] of itemBias) truthModel.items.set(id, { w: b, g2: 0, prior: b });
    const y = test.map((t) => (t.correct ? 1 : 0));
    const pFit = test.map((t) => fitted.observe(t.studentId, t.itemId, t.skills, t.correct ? 1 : 0, false));
    const pTrue = test.map((t) => truthModel.observe(t.studentId, t.itemId, t.skills, t.correct ? 1 : 0, false));
    expect(auc(pFit, y) ?? 0).toBeGreaterThan((auc(pTrue, y) ?? 1) - 0.02);
  });

  it('a wrong answer lowers the next prediction on the same item, a right one raises it', () => {
    const m = new LogisticKt({ ...truth, globalStep: 0, idStep: 0 });
    const p0 = m.predict('a', 'i1', ['k1']);
    m.observe('a', 'i1', ['k1'], 1);
    m.observe('b', 'i1', ['k1'], 0);
    expect(m.predict('a', 'i1', ['k1'])).toBeGreaterThan(p0);
    expect(m.predict('b', 'i1', ['k1'])).toBeLessThan(m.predict('a', 'i1', ['k1']));
  });
});

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] as number) - my);
    sxx += (x - mx) ** 2;
    syy += ((ys[i] as number) - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
