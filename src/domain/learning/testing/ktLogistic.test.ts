// Reads the KT sample copied into fixtures/external/kt. Node I/O is allowed in tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { replayLogistic, untrainedLogisticParams } from '../logisticKt';
import { LOGISTIC_FIT } from '../logisticKtFit';
import { emptyMasteryState, replayWithPredictions } from '../mastery';
import { auc, logLoss } from '../metrics';
import { DEFAULT_LEARNING_SETTINGS as S } from '../settings';
import { ktResponses, parseKtTsv } from './ktSpanish';

const FILE = fileURLToPath(new URL('../../../../fixtures/external/kt/lpp_spanish_preprocessed_data_test.csv', import.meta.url));

describe('real data: the logistic model on the Spanish sample', () => {
  it('learning online from zero weights (only the answers before each one), it predicts better than Elo', () => {
    const parsed = parseKtTsv(readFileSync(FILE, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const responses = ktResponses(parsed.value);
    const logistic = replayLogistic({ ...untrainedLogisticParams(), ...LOGISTIC_FIT }, responses);
    const elo = replayWithPredictions(emptyMasteryState(S), responses, new Map(), S);
    const y = responses.map((r) => (r.correct ? 1 : 0));
    expect(auc(logistic.predictions, y) as number).toBeGreaterThan(0.845);
    expect(auc(logistic.predictions, y) as number).toBeGreaterThan((auc(elo.predictions, y) as number) + 0.02);
    expect(logLoss(logistic.predictions, y)).toBeLessThan(logLoss(elo.predictions, y));
  });
});
