import { beforeAll, describe, expect, it } from 'vitest';
import { skillGraph } from '../src/domain/learning/fringe';
import { emptyMasteryState, replayWithPredictions } from '../src/domain/learning/mastery';
import type { LearningSettings } from '../src/domain/learning/settings';
import { checkGate, gateObservations } from '../src/station/learning/gate';
import { gradedResponses } from '../src/station/learning/responses';
import { replayBank } from '../src/station/learning/state';
import { answerDays, gateRoster } from './support/gateWorld';
import { tempStation } from './support/station';

/**
 * The station's gate check reads the reference model (no per-student rate, full credit toward a
 * pass) whatever the school's model is, as the simulator measured it: real SQLite, answers stored
 * through the station's write path.
 */
describe("the station's gate check with the per-student rate or part credit on", () => {
  let ctx: ReturnType<typeof tempStation>;
  beforeAll(() => {
    ctx = tempStation(gateRoster('7R', 8));
    answerDays(ctx, '7R', { gateHolds: true, seed: 'r', days: 8, startDate: '2026-11-02' });
  }, 300_000);

  const withModel = (model: Partial<LearningSettings['model']>, mastery: Partial<LearningSettings['mastery']>): LearningSettings => {
    const base = ctx.settings.learning;
    return { ...base, model: { ...base.model, ...model }, mastery: { ...base.mastery, ...mastery } };
  };

  it('gives the same observations and evidence as with both off, though the school model predicts otherwise', () => {
    const answers = gradedResponses(ctx, { classId: '7R' });
    const bank = replayBank(ctx, answers.items);
    const graph = skillGraph(ctx.store.skills({ subject: 'math' }));
    const unit = graph.order.filter((id) => graph.byId.get(id)?.grade === 7);
    const off = ctx.settings.learning;
    const on = withModel({ learnRateVariance: 0.3 }, { passCreditShare: 0.5 });
    // The school's own model differs: without the reference, the gate's residuals would too.
    const predicted = (s: LearningSettings) => replayWithPredictions(emptyMasteryState(s), answers.responses, bank, s).predictions;
    expect(predicted(on)).not.toEqual(predicted(off));

    const observedOff = gateObservations(answers.responses, bank, unit, graph, off);
    expect(observedOff.length).toBeGreaterThan(100);
    expect(gateObservations(answers.responses, bank, unit, graph, on)).toEqual(observedOff);
    expect(gateObservations(answers.responses, bank, unit, graph, withModel({ learnRateVariance: 0.3 }, {}))).toEqual(observedOff);

    const skills = ctx.store.skills({ subject: 'math' });
    const verdictOff = checkGate(ctx, '7R', 'math', unit, skills, answers);
    const verdictOn = checkGate({ ...ctx, settings: { ...ctx.settings, learning: on } }, '7R', 'math', unit, skills, answers);
    expect(verdictOn).toEqual(verdictOff);
    expect(verdictOff.readyAnswers + verdictOff.notReadyAnswers).toBeGreaterThan(0);
  }, 300_000);
});
