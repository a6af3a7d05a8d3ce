import type { GradedResponse } from '../response';
import { fitLogistic, untrainedLogisticParams, type LogisticKtParams } from './logisticKt';

/** The fitting recipe of the shipped parameter set (tools/fitLogisticKt.ts and the bench's folds use the same). */
export const LOGISTIC_FIT = { epochs: 4, globalStep: 0.05, idStep: 0.2, l2: 0.001 } as const;

export function fitShippedLogistic(responses: readonly GradedResponse[], options: { epochs?: number; version: string; fittedOn: string }): LogisticKtParams {
  const start = { ...untrainedLogisticParams(), globalStep: LOGISTIC_FIT.globalStep, idStep: LOGISTIC_FIT.idStep, l2: LOGISTIC_FIT.l2 };
  return fitLogistic(start, responses, { epochs: options.epochs ?? LOGISTIC_FIT.epochs, version: options.version, fittedOn: options.fittedOn }).params;
}

/** Students split into k folds by their order of first appearance (deterministic; fold = index mod k). */
export function studentFolds(responses: readonly GradedResponse[], k: number): Map<string, number> {
  const folds = new Map<string, number>();
  for (const r of responses) if (!folds.has(r.studentId)) folds.set(r.studentId, folds.size % k);
  return folds;
}
