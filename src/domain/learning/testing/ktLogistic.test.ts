// Reads the KT sample copied into fixtures/external/kt. Node I/O is allowed in tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayLogistic, untrainedLogisticParams } from '../logisticKt';
import { LOGISTIC_FIT } from '../logisticKtFit';
import { emptyMasteryState, replayWithPredictions, updateMastery } from '../mastery';
import { masteryByRule } from '../modelChoice';
import { auc, logLoss } from '../metrics';
import { DEFAULT_LEARNING_SETTINGS as S } from '../settings';
import { ktResponses, parseKtTsv } from './ktSpanish';

const FILE = fileURLToPath(new URL('../../../../fixtures/external/kt/lpp_spanish_preprocessed_data_test.csv', import.meta.url));

function spanish() {
  const parsed = parseKtTsv(readFileSync(FILE, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return ktResponses(parsed.value);
}

describe('real data: the logistic model on the Spanish sample', () => {
  const params = { ...untrainedLogisticParams(), ...LOGISTIC_FIT };

  it('the rule hands the mastery flags to the logistic model where it predicts better, and not before enough answers', () => {
    const responses = spanish();
    const all = masteryByRule(emptyMasteryState(S), responses, new Map(), S, params);
    expect(all.choice.driver).toBe('logistic');
    const elo = updateMastery(emptyMasteryState(S), responses, new Map(), S);
    const flags = (st: typeof elo) => [...st.students].flatMap(([s, skills]) => [...skills].filter(([, r]) => r.mastered).map(([k]) => `${s}/${k}`));
    expect(flags(all.mastery)).not.toEqual(flags(elo));
    const few = responses.slice(0, S.modelChoice.minAnswers - 1);
    const early = masteryByRule(emptyMasteryState(S), few, new Map(), S, params);
    expect(early.choice.driver).toBe('elo');
    expect(early.mastery).toEqual(updateMastery(emptyMasteryState(S), few, new Map(), S));
  });

  it('learning online from zero weights (only the answers before each one), it predicts better than Elo', () => {
    const responses = spanish();
    const logistic = replayLogistic(params, responses);
    const elo = replayWithPredictions(emptyMasteryState(S), responses, new Map(), S);
    const y = responses.map((r) => (r.correct ? 1 : 0));
    expect(auc(logistic.predictions, y) as number).toBeGreaterThan(0.845);
    expect(auc(logistic.predictions, y) as number).toBeGreaterThan((auc(elo.predictions, y) as number) + 0.02);
    expect(logLoss(logistic.predictions, y)).toBeLessThan(logLoss(elo.predictions, y));
  });
});
