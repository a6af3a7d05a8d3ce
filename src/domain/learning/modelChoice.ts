import { logLoss } from './metrics';
import type { LearningSettings } from './settings';

/**
 * The rule that picks the predictor behind mastery decisions, selection and review: over the
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
