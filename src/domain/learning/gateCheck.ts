import { fringeFor, type SkillGraph } from './fringe';
import { masteryOf, skillRecord, type MasteryState } from './mastery';
import type { LearningSettings } from './settings';

/**
 * Does the prerequisite gate hold in this class? The gate assumes that practice on a skill whose
 * prerequisites are not mastered teaches less. The mastery model credits the same gain for every
 * minute, so if the assumption is true, answers on skills practised while not ready come out worse
 * than the model predicted, more so than answers on skills practised while ready. The check compares
 * the mean residual (outcome − prediction made before the answer) of the two groups, counting only
 * answers on a skill the student had practised on an earlier day (the first day's answers measure
 * the prior, not the learning). The verdict is made once, when both kinds reached
 * `gateCheck.minAnswers` answers, and then kept: once lessons are gated, not-ready answers become rare and would come
 * only from the students the gate misjudged.
 *
 * Ready or not is read, by default, from the mastery flags as the fringe saw them when the sheet was
 * made (`gateCheck.readiness` 'mastered'); with 'posterior', from the model's P(every prerequisite
 * known) then: ready at `gateCheck.readyFromP` or above, not ready below `gateCheck.notReadyBelowP`,
 * not counted in between (docs/mastery.md, section 2b, round 9).
 */
export type GateTally = { readonly answers: number; readonly residualSum: number };
export type GateEvidence = { readonly ready: GateTally; readonly notReady: GateTally };

export type GateObservation = {
  readonly outcome: number;
  /** The model's P(correct), made before the answer was applied. */
  readonly predicted: number;
  /** Every prerequisite of the answer's skill was mastered (or credited) when the sheet was made, as the fringe sees it. */
  readonly ready: boolean;
  /** P(every prerequisite known) when the sheet was made (`readinessOf`); without it the flag counts as certain. */
  readonly readyP?: number;
  /** The student had answered on this skill on an earlier day. */
  readonly practisedBefore: boolean;
};

export type GateVerdict = {
  /** 'undecided' until `gateCheck.minAnswers` answers of each kind were seen. */
  readonly kind: 'undecided' | 'holds' | 'does_not_hold';
  /** Mean residual of not-ready answers minus that of ready answers (negative: not-ready practice taught less than credited). */
  readonly gap: number;
  readonly readyAnswers: number;
  readonly notReadyAnswers: number;
};

const emptyTally: GateTally = { answers: 0, residualSum: 0 };
export const emptyGateEvidence: GateEvidence = { ready: emptyTally, notReady: emptyTally };

/** Adds one day's answers; once both kinds reached `gateCheck.minAnswers`, nothing more is counted (the verdict is kept). */
export function addGateEvidence(evidence: GateEvidence, observations: readonly GateObservation[], settings: LearningSettings): GateEvidence {
  let { ready, notReady } = evidence;
  const decided = () => Math.min(ready.answers, notReady.answers) >= settings.gateCheck.minAnswers;
  for (const o of observations) {
    const label = gateLabel(o, settings);
    if (!o.practisedBefore || label === 'uncertain' || decided()) continue;
    const add = (t: GateTally): GateTally => ({ answers: t.answers + 1, residualSum: t.residualSum + (o.outcome - o.predicted) });
    if (label === 'ready') ready = add(ready);
    else notReady = add(notReady);
  }
  return { ready, notReady };
}

/** How the check counts an answer: by its flag, or (readiness 'posterior') by its P(ready) against `readyFromP` and `notReadyBelowP`. */
export function gateLabel(o: Pick<GateObservation, 'ready' | 'readyP'>, settings: LearningSettings): 'ready' | 'not_ready' | 'uncertain' {
  const g = settings.gateCheck;
  if (g.readiness === 'mastered') return o.ready ? 'ready' : 'not_ready';
  const p = o.readyP ?? (o.ready ? 1 : 0);
  return p >= g.readyFromP ? 'ready' : p < g.notReadyBelowP ? 'not_ready' : 'uncertain';
}

/**
 * The model the gate check reads when the school's differs from it: no per-student rate, all credit
 * toward a pass (the check's premise is a model that credits every student the same gain per minute;
 * a per-student rate would learn part of the prerequisite penalty as a slow rate), and the drift per
 * answer its threshold was calibrated with (`gateCheck.referenceDriftPerObservation`). Null when the
 * school's model is that model already.
 */
export function gateReferenceSettings(settings: LearningSettings): LearningSettings | null {
  const drift = settings.gateCheck.referenceDriftPerObservation;
  if (settings.model.learnRateVariance === 0 && settings.mastery.passCreditShare === 1 && settings.model.thetaDriftPerObservation === drift) return null;
  return { ...settings, model: { ...settings.model, learnRateVariance: 0, thetaDriftPerObservation: drift }, mastery: { ...settings.mastery, passCreditShare: 1 } };
}

/** The gap below which the gate holds, for the label in use. */
export function holdsBelowGap(settings: LearningSettings): number {
  return settings.gateCheck.readiness === 'posterior' ? settings.gateCheck.posteriorHoldsBelowGap : settings.gateCheck.holdsBelowGap;
}

/** The gate holds when the gap (not-ready minus ready mean residual) is below `holdsBelowGap(settings)`. */
export function gateVerdict(evidence: GateEvidence, settings: LearningSettings): GateVerdict {
  const { ready, notReady } = evidence;
  const mean = (t: GateTally) => (t.answers ? t.residualSum / t.answers : 0);
  const gap = mean(notReady) - mean(ready);
  const enough = Math.min(ready.answers, notReady.answers) >= settings.gateCheck.minAnswers;
  return {
    kind: !enough ? 'undecided' : gap < holdsBelowGap(settings) ? 'holds' : 'does_not_hold',
    gap,
    readyAnswers: ready.answers,
    notReadyAnswers: notReady.answers,
  };
}

/**
 * For the answers of one sheet: whether the student was ready for `skillId` as the fringe sees it
 * (every prerequisite mastered or credited), the model's P(every prerequisite known) — the product
 * of each prerequisite's mastery confidence; a prerequisite outside the unit never observed counts as
 * known when `fringe.assumeOutsideUnitMastered`, as in the fringe — and whether they had answered on
 * the skill before.
 */
export function readinessOf(
  state: MasteryState,
  studentId: string,
  unitSkills: readonly string[],
  graph: SkillGraph,
  settings: LearningSettings,
): (skillId: string) => { ready: boolean; readyP: number; practisedBefore: boolean } {
  const fringe = fringeFor(state, studentId, unitSkills, graph, settings);
  const known = new Set(fringe.mastered);
  const blocked = new Set(fringe.blocked.map((b) => b.skillId));
  const unit = new Set(unitSkills);
  const pKnown = (id: string) =>
    !unit.has(id) && settings.fringe.assumeOutsideUnitMastered && skillRecord(state, studentId, id, settings).n === 0 ? 1 : masteryOf(state, studentId, id, settings).confidence;
  const bySkill = new Map<string, { ready: boolean; readyP: number; practisedBefore: boolean }>();
  return (skillId) => {
    let r = bySkill.get(skillId);
    if (!r) {
      r = {
        ready: known.has(skillId) || !blocked.has(skillId),
        readyP: (graph.byId.get(skillId)?.prerequisites ?? []).filter((p) => graph.byId.has(p)).reduce((p, id) => p * pKnown(id), 1),
        practisedBefore: skillRecord(state, studentId, skillId, settings).n > 0,
      };
      bySkill.set(skillId, r);
    }
    return r;
  };
}
