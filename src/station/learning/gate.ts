import type { Item } from '../../domain/item';
import { skillGraph, type SkillGraph } from '../../domain/learning/fringe';
import { addGateEvidence, emptyGateEvidence, gateReferenceSettings, gateVerdict, holdsBelowGap, readinessOf, type GateVerdict } from '../../domain/learning/gateCheck';
import { emptyMasteryState, outcomeOf, replayWithPredictions } from '../../domain/learning/mastery';
import type { LearningSettings } from '../../domain/learning/settings';
import type { Skill } from '../../domain/skills';
import { gateObservationsOf, syncGateObservations, type GateObservationRow } from '../../store/gateObservations';
import type { StationContext } from '../context';
import { gradedResponses, type StationResponse } from './responses';
import { replayBank } from './state';

/**
 * The prerequisite gate check at the station (docs/mastery.md, "At the station"). Its answers are
 * replayed through the Elo model one sheet date at a time, in grading order, as the simulator does
 * day by day: each answer gets the model's prediction before it, whether its student was ready for
 * its skill (every prerequisite mastered, and the model's P(every prerequisite known)) and had
 * answered on it before, all judged from the
 * state before that date's answers — the state the sheet was chosen from when every earlier page
 * was scanned first. The predictions and readiness come from the gate check's reference model
 * (`gateReferenceSettings`: no per-student rate, full credit toward a pass, the drift per answer its thresholds
 * were measured with), as in the simulator.
 */
export function gateObservations(
  responses: readonly StationResponse[],
  bank: ReadonlyMap<string, Item>,
  unitSkills: readonly string[],
  graph: SkillGraph,
  settings: LearningSettings,
): GateObservationRow[] {
  const model = gateReferenceSettings(settings) ?? settings;
  const unit = new Set(unitSkills);
  const bySlot = new Map<string, GateObservationRow>();
  let state = emptyMasteryState(model);
  for (let start = 0; start < responses.length; ) {
    let end = start + 1;
    while (end < responses.length && responses[end]!.date === responses[start]!.date) end++;
    const before = state;
    const readiness = new Map<string, ReturnType<typeof readinessOf>>();
    const readinessFor = (studentId: string) => {
      if (!readiness.has(studentId)) readiness.set(studentId, readinessOf(before, studentId, unitSkills, graph, model));
      return readiness.get(studentId)!;
    };
    const day = replayWithPredictions(before, responses.slice(start, end), bank, model);
    (day.applied as StationResponse[]).forEach((r, i) => {
      const skillId = r.skills[0];
      if (skillId === undefined || !unit.has(skillId)) return;
      const { ready, readyP, practisedBefore } = readinessFor(r.studentId)(skillId);
      bySlot.set(`${r.pageId}\u0000${r.itemId}`, { pageId: r.pageId, itemId: r.itemId, seq: r.seq, ready, readyP, practisedBefore, outcome: outcomeOf(r), predicted: day.predictions[i]! });
    });
    state = day.state;
    start = end;
  }
  return [...bySlot.values()];
}

export type GateCheck = GateVerdict & LearningSettings['gateCheck'];

/**
 * Updates a class's stored evidence from its effective answers on the unit (as `learningState` or
 * `gradedResponses` gives them) and returns the verdict. Idempotent: the same answers give the same
 * evidence however often it runs.
 */
export function checkGate(
  ctx: StationContext,
  classId: string,
  subject: string,
  unitSkills: readonly string[],
  skills: readonly Skill[],
  answers: { responses: readonly StationResponse[]; items: readonly Item[] } = gradedResponses(ctx, { classId }),
): GateCheck {
  const settings = ctx.settings.learning;
  const observed = gateObservations(answers.responses, replayBank(ctx, answers.items), unitSkills, skillGraph(skills), settings);
  syncGateObservations(ctx.db, classId, subject, observed);
  const evidence = addGateEvidence(emptyGateEvidence, gateObservationsOf(ctx.db, classId, subject), settings);
  return { ...gateVerdict(evidence, settings), ...settings.gateCheck, holdsBelowGap: holdsBelowGap(settings) };
}
