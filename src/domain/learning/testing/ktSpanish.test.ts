// Reads the KT sample copied into fixtures/external/kt (never /work/shared). Node I/O is allowed in tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyMasteryState, replayWithPredictions } from '../mastery';
import { auc, logLoss } from '../metrics';
import { DEFAULT_LEARNING_SETTINGS as S } from '../settings';
import { ktResponses, parseKtTsv } from './ktSpanish';

const FILE = fileURLToPath(new URL('../../../../fixtures/external/kt/lpp_spanish_preprocessed_data_test.csv', import.meta.url));

describe('real data: the Spanish knowledge-tracing sample', () => {
  it('the mastery model predicts the next response better than per-item means', () => {
    const parsed = parseKtTsv(readFileSync(FILE, 'utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toHaveLength(103_561);
    const responses = ktResponses(parsed.value);
    const r = replayWithPredictions(emptyMasteryState(S), responses, new Map(), S);
    const y = r.applied.map((x) => (x.correct ? 1 : 0));
    const seen = new Map<string, [number, number]>();
    const baseline = r.applied.map((x) => {
      const [s, n] = seen.get(x.itemId) ?? [0, 0];
      seen.set(x.itemId, [s + (x.correct ? 1 : 0), n + 1]);
      return (s + 1.5) / (n + 2);
    });
    const modelAuc = auc(r.predictions, y) as number;
    expect(modelAuc).toBeGreaterThan(0.75);
    expect(modelAuc).toBeGreaterThan((auc(baseline, y) as number) + 0.05);
    expect(logLoss(r.predictions, y)).toBeLessThan(logLoss(baseline, y));
  });

  it('reports a malformed file as data', () => {
    expect(parseKtTsv('a\tb\n1\t2').ok).toBe(false);
    expect(parseKtTsv('user_id\titem_id\ttimestamp\tcorrect\tskill_id\n1\t2\t0\t7\t3')).toEqual({ ok: false, error: { line: 2, message: 'correct must be 0 or 1, got 7' } });
  });
});
