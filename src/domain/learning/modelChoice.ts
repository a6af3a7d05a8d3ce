import type { GradedResponse } from '../response';
import { LogisticKt, type ItemPriorSource, type LogisticKtParams } from './logisticKt';
import { outcomeOf, replayWithPredictions, type DifficultySource, type MasteryState } from './mastery';
import { logLoss } from './metrics';
import type { LearningSettings } from './settings';

/**
 * The rule that picks the predictor behind the "mastered" flags the selection reads: over the
 * station's most recent `recentAnswers` answers, each predicted by both models before it was
 * applied, the logistic model drives when its mean log-loss is lower than Elo's by at least
 * `margin`; otherwise, and while fewer than `minAnswers` answers were predicted by both, Elo does.
 * Log-loss, not AUC, because the decisions use the probabilities themselves (calibration counts).
 */
export type Predictor = 'elo' | 'logistic';

export type ModelChoice = {
  readonly driver: Predictor;
  readonly answers: number;
  readonly eloLogLoss: number | null;
  readonly logisticLogLoss: number | null;
};

export function chooseModel(
  recent: { readonly elo: ArrayLike<number>; readonly logistic: ArrayLike<number>; readonly outcomes: ArrayLike<number> },
  settings: LearningSettings,
): ModelChoice {
  const { recentAnswers, minAnswers, margin } = settings.modelChoice;
  const n = Math.min(recent.elo.length, recent.logistic.length, recent.outcomes.length);
  const from = Math.max(0, n - recentAnswers);
  const tail = (xs: ArrayLike<number>) => Array.prototype.slice.call(xs, from, n) as number[];
  if (n - from < minAnswers) return { driver: 'elo', answers: n - from, eloLogLoss: null, logisticLogLoss: null };
  const y = tail(recent.outcomes);
  const elo = logLoss(tail(recent.elo), y);
  const logistic = logLoss(tail(recent.logistic), y);
  return { driver: logistic < elo - margin ? 'logistic' : 'elo', answers: n - from, eloLogLoss: elo, logisticLogLoss: logistic };
}

/**
 * The logistic model's "mastered" flags in place of Elo's, for every skill record in the state: a
 * skill is mastered when P(correct) on a new item of it at the reference difficulty is at least
 * masteredP after masteredMinObservations answers; a skill already mastered stays so until that P
 * falls below masteryLostBelowP. Abilities, uncertainties and so tiers stay Elo's.
 */
export function withLogisticMastery(state: MasteryState, model: LogisticKt, settings: LearningSettings): MasteryState {
  const m = settings.mastery;
  const students = new Map(
    [...state.students].map(([studentId, skills]) => [
      studentId,
      new Map(
        [...skills].map(([skillId, r]) => {
          const { p, n } = model.skillReadout(studentId, skillId, m.referenceDifficulty);
          return [skillId, { ...r, mastered: r.mastered ? p >= m.masteryLostBelowP : n >= m.masteredMinObservations && p >= m.masteredP }];
        }),
      ),
    ]),
  );
  return { ...state, students };
}

/**
 * Replays graded responses through both models and lets the rule pick the one whose "mastered"
 * flags the selection reads: the Elo state as `updateMastery` builds it, or that state with the
 * logistic model's flags (`withLogisticMastery`).
 */
export function masteryByRule(
  start: MasteryState,
  responses: readonly GradedResponse[],
  bank: DifficultySource & ItemPriorSource,
  settings: LearningSettings,
  logisticParams: LogisticKtParams,
): { mastery: MasteryState; choice: ModelChoice } {
  const elo = replayWithPredictions(start, responses, bank, settings);
  const model = new LogisticKt(logisticParams, bank);
  const outcomes = elo.applied.map(outcomeOf);
  const logistic = elo.applied.map((r, i) => model.observe(r.studentId, r.itemId, r.skills, outcomes[i] as number));
  const choice = chooseModel({ elo: elo.predictions, logistic, outcomes }, settings);
  return { mastery: choice.driver === 'logistic' ? withLogisticMastery(elo.state, model, settings) : elo.state, choice };
}
