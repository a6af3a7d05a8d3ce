import { describe, expect, it } from 'vitest';
import { loadG7Graph } from '../../bench/lib/data';
import { addGateEvidence, emptyGateEvidence, gateReferenceSettings, gateVerdict, readinessOf } from '../domain/learning/gateCheck';
import { emptyMasteryState, outcomeOf, replayWithPredictions } from '../domain/learning/mastery';
import { LearningSettings } from '../domain/learning/settings';
import { G7_RATIONAL_UNIT } from '../domain/learning/testing/g7MathGraph';
import { setUpArm, type CohortConfig, type DayTrace } from './armSetup';
import { compareArms, simulateArm } from './cohortSim';
import { DEFAULT_LEARNER, masteryTheta } from './learner';

describe('cohort simulator', () => {
  const small = { seed: 3, students: 12, days: 6, horizonDays: 6 };

  it('runs both arms within the cap, across subjects, deterministically', () => {
    const c = compareArms(small);
    expect(c.uniform.capViolations).toBe(0);
    expect(c.personalised.capViolations).toBe(0);
    expect(c.uniform.meanDailyMinutes).toBeGreaterThan(5);
    expect(c.personalised.meanDailyMinutes).toBeGreaterThan(5);
    expect(c.uniform.minutesByReason).toHaveProperty('class');
    expect(Object.keys(simulateArm({ ...small, lookAhead: false }, 'personalised').minutesByReason)).not.toContain('class');
    expect(c.personalised.finalLatentMastered.reduce((a, b) => a + b, 0)).toBe(12);
    expect(simulateArm(small, 'personalised')).toEqual(c.personalised);
  });

  it("a personalised arm with personalisation off gets the class calendar's lessons; skipping the mastered spends fewer minutes", () => {
    const config = { seed: 3, students: 12, days: 12, horizonDays: 12 };
    const skillsByDay = (arm: 'uniform' | 'personalised', settings?: LearningSettings) => {
      const days: string[][] = [];
      const report = simulateArm({ ...config, ...(settings ? { settings } : {}), onDay: (t: DayTrace) => days.push([...new Set(t.students.flatMap((st) => st.sheet.map((l) => `${l.reasonKey}:${l.skillId}`)))].sort()) }, arm);
      return { report, days };
    };
    const classSheet = skillsByDay('uniform');
    const off = skillsByDay('personalised', LearningSettings.parse({ modules: { personalisation: false } }));
    // The calendar's days (the first 75 %): the same lessons; the arms' answers differ (their seeds do), so the class's weakest skills after it may too.
    expect(off.days.slice(0, 9)).toEqual(classSheet.days.slice(0, 9));
    expect(Object.keys(off.report.minutesByReason)).toEqual(['class']);
    const skipping = simulateArm({ ...config, settings: LearningSettings.parse({ modules: { personalisation: false }, selection: { uniformSkipsMastered: true } }) }, 'personalised');
    expect(skipping.meanDailyMinutes).toBeLessThan(off.report.meanDailyMinutes);
    expect(skipping.capViolations).toBe(0);
  });

  it('the latent mastery threshold matches the model definition (p on the reference item)', () => {
    const t = masteryTheta(DEFAULT_LEARNER);
    const p = DEFAULT_LEARNER.guess + (1 - DEFAULT_LEARNER.guess - DEFAULT_LEARNER.slip) / (1 + Math.exp(-t));
    expect(p).toBeCloseTo(DEFAULT_LEARNER.masteryP, 10);
  });

  it('counts false passes: skills the model passed while latently short', () => {
    const config = { seed: 3, students: 12, days: 12, horizonDays: 12 };
    const model = simulateArm(config, 'personalised');
    const oracle = simulateArm({ ...config, oracleMastery: true }, 'personalised');
    expect(model.passes).toBeGreaterThan(0);
    expect(model.falsePasses).toBeGreaterThan(0);
    expect(model.falsePasses).toBeLessThan(model.passes);
    expect(model.meanFalsePassShortfall).toBeGreaterThan(0);
    expect(oracle.passes).toBeGreaterThan(0);
  });

  it('with the per-student rate and part credit on, the gate check reads the reference model: its evidence is that of the day’s answers replayed through it', () => {
    const settings = LearningSettings.parse({ model: { learnRateVariance: 0.3 }, mastery: { passCreditShare: 0.5 } });
    const reference = gateReferenceSettings(settings)!;
    const config: CohortConfig = { seed: 3, students: 12, days: 10, horizonDays: 10, settings };
    const setup = setUpArm(config, 'personalised');
    const traced = (extra: Partial<CohortConfig>) => {
      const days: DayTrace[] = [];
      const report = simulateArm({ ...config, ...extra, onDay: (d) => days.push(d) }, 'personalised');
      return { report, days };
    };
    /** The gate evidence of the traced answers: predictions and readiness each from the reference model or the arm's (the arm's state before a day is the trace of the day before). */
    const evidenceOf = (days: readonly DayTrace[], predictFrom: 'reference' | 'model', readyFrom: 'reference' | 'model') => {
      let referenceState = emptyMasteryState(reference);
      let evidence = emptyGateEvidence;
      days.forEach((day, d) => {
        const armState = days[d - 1]?.mastery ?? emptyMasteryState(settings);
        const byReference = replayWithPredictions(referenceState, day.answers, setup.bank.byId, reference);
        const byModel = replayWithPredictions(armState, day.answers, setup.bank.byId, settings);
        const labelled = readyFrom === 'reference' ? referenceState : armState;
        const readiness = new Map(setup.students.map((st) => [st.id, readinessOf(labelled, st.id, setup.unit, setup.graph, settings)]));
        const predicted = (predictFrom === 'reference' ? byReference : byModel).predictions;
        evidence = addGateEvidence(evidence, day.answers.map((r, i) => ({ outcome: outcomeOf(r), predicted: predicted[i]!, ...readiness.get(r.studentId)!(r.skills[0]!) })), settings);
        referenceState = byReference.state;
      });
      return gateVerdict(evidence, settings);
    };
    const byDefault = traced({});
    expect(byDefault.report.gate.readyAnswers).toBeGreaterThan(0);
    expect(byDefault.report.gate.notReadyAnswers).toBeGreaterThan(0);
    expect(byDefault.report.gate).toEqual(evidenceOf(byDefault.days, 'reference', 'reference'));
    // Not so with the arm's own model: the reference is what makes the difference.
    expect(evidenceOf(byDefault.days, 'model', 'model')).not.toEqual(byDefault.report.gate);
    const armLabels = traced({ gateReadinessFrom: 'model' });
    expect(armLabels.report.gate).toEqual(evidenceOf(armLabels.days, 'reference', 'model'));
  });

  it("gateLabels 'elo': with the arm's flags from elsewhere (here latent), the gate check labels answers by an Elo model's own flags, as the station does", () => {
    const config: CohortConfig = { seed: 3, students: 12, days: 10, horizonDays: 10, oracleMastery: true };
    const setup = setUpArm(config, 'personalised');
    const settings = setup.settings;
    const traced = (extra: Partial<CohortConfig>) => {
      const days: DayTrace[] = [];
      const report = simulateArm({ ...config, ...extra, onDay: (d) => days.push(d) }, 'personalised');
      return { report, days };
    };
    /** The gate evidence of the traced answers: predictions and labels from an Elo model no flag source touches, or from the arm's state (latent flags). */
    const evidenceOf = (days: readonly DayTrace[], labelsFrom: 'elo' | 'arm') => {
      let elo = emptyMasteryState(settings);
      let evidence = emptyGateEvidence;
      days.forEach((day, d) => {
        const armState = days[d - 1]?.mastery ?? emptyMasteryState(settings);
        const replayed = replayWithPredictions(elo, day.answers, setup.bank.byId, settings);
        const labelled = labelsFrom === 'elo' ? elo : armState;
        const predicted = labelsFrom === 'elo' ? replayed.predictions : replayWithPredictions(armState, day.answers, setup.bank.byId, settings).predictions;
        const readiness = new Map(setup.students.map((st) => [st.id, readinessOf(labelled, st.id, setup.unit, setup.graph, settings)]));
        evidence = addGateEvidence(evidence, day.answers.map((r, i) => ({ outcome: outcomeOf(r), predicted: predicted[i]!, ...readiness.get(r.studentId)!(r.skills[0]!) })), settings);
        elo = replayed.state;
      });
      return gateVerdict(evidence, settings);
    };
    const eloLabels = traced({ gateLabels: 'elo' });
    expect(eloLabels.report.gate.notReadyAnswers).toBeGreaterThan(0);
    expect(eloLabels.report.gate).toEqual(evidenceOf(eloLabels.days, 'elo'));
    const armLabels = traced({});
    expect(armLabels.report.gate).toEqual(evidenceOf(armLabels.days, 'arm'));
    // the two labellings differ on the same answers
    expect(evidenceOf(eloLabels.days, 'arm')).not.toEqual(eloLabels.report.gate);
  });

  it('forceGateVerdict gives the selection that verdict from day 1: every lesson day gated with holds, none with does_not_hold', () => {
    const config = { seed: 3, students: 12, days: 8, horizonDays: 8 };
    expect(simulateArm(config, 'personalised').gate.kind).toBe('undecided');
    expect(simulateArm(config, 'personalised').gatedDays).toBe(0);
    // Lessons run on the first 75 % of the 8-day window.
    expect(simulateArm({ ...config, forceGateVerdict: 'holds' }, 'personalised').gatedDays).toBe(6);
    expect(simulateArm({ ...config, forceGateVerdict: 'does_not_hold' }, 'personalised').gatedDays).toBe(0);
  });

  it('students learn: more unit skills are mastered after practice than at the start', () => {
    const start = simulateArm({ ...small, days: 1, horizonDays: 1 }, 'personalised');
    const later = simulateArm({ ...small, days: 8, horizonDays: 8 }, 'personalised');
    const mean = (h: readonly number[]) => h.reduce((a, n, i) => a + n * i, 0) / 12;
    expect(mean(later.finalLatentMastered)).toBeGreaterThan(mean(start.finalLatentMastered));
  });

  it('the restricted figures of a long run are those of a run stopped at that day', () => {
    // A 3-skill unit: some students know it from the start, some master it within days, some later.
    const unitSkills = G7_RATIONAL_UNIT.slice(0, 3);
    for (const arm of ['uniform', 'personalised'] as const) {
      const followed = (r: number) => simulateArm({ seed: 3, students: 12, days: 3, horizonDays: 40, restrictedDays: r, unitSkills }, arm);
      let masteredDuringTheCut = 0;
      for (let r = 1; r <= 5; r++) {
        const cut = simulateArm({ seed: 3, students: 12, days: Math.min(3, r), horizonDays: r, unitSkills }, arm);
        const long = followed(r);
        expect(long.restricted).toEqual({ days: r, meanMinutesToMastery: cut.meanMinutesToMastery, reachedMastery: cut.reachedMastery });
        expect(cut.censored).toBe(cut.students - cut.reachedMastery);
        masteredDuringTheCut = Math.max(masteredDuringTheCut, cut.reachedMastery - cut.minutesToMastery.filter((m) => m === 0).length);
        expect(long.censored).toBe(0);
      }
      expect(masteredDuringTheCut).toBeGreaterThan(0);
    }
  });

  it('shows each day to a tracer: the sheets add up to the minutes reported', () => {
    let days = 0;
    let minutes = 0;
    const onDay = (d: DayTrace) => {
      days++;
      expect(d.students).toHaveLength(12);
      for (const st of d.students) for (const item of st.sheet) minutes += item.minutes;
    };
    const report = simulateArm({ ...small, days: 4, horizonDays: 4, onDay }, 'personalised');
    expect(days).toBe(report.daysRun);
    expect(minutes / report.students).toBeCloseTo(report.meanWindowMinutes, 9);
  });

  it('adapts to the world: stops gating the class lessons when not-ready practice learns as predicted (penalty 1.0), keeps the gate at 0.3', () => {
    // Seed 7001 is a tuning seed (docs/mastery.md, section 6); the sweep's seeds are 9001–9002.
    const graph = loadG7Graph();
    const run = (prerequisitePenalty: number) =>
      simulateArm({ seed: 7001, students: 30, days: 20, horizonDays: 14, skills: graph.skills, unitSkills: graph.unit, learner: { prerequisitePenalty } }, 'personalised');
    const open = run(1);
    expect(open.gate.kind).toBe('does_not_hold');
    expect(open.gatedDays).toBe(0);
    const gated = run(0.3);
    expect(gated.gate.kind).toBe('holds');
    expect(gated.gatedDays).toBeGreaterThan(0);
    expect(gated.gate.gap).toBeLessThan(open.gate.gap);
  });

  it('at penalty 1.0, once the gate check says the gate does not hold, the class sheet minus what each student has mastered needs fewer minutes to unit mastery than the class sheet and than round 7’s ungated net, and is as far on by day 40; no net at all is slower than the class sheet', () => {
    // Tuning seeds 7001, 7002 and 7004 (7003 reads "holds" at penalty 1.0), 30 students each, followed to unit mastery
    // (docs/mastery.md, section 6, rounds 7 and 13). Summed over the seeds: one seed alone moves by a few students.
    const graph = loadG7Graph();
    const config = (seed: number) => ({ seed, students: 30, days: 20, horizonDays: 250, checkpointDays: [40], skills: graph.skills, unitSkills: graph.unit, learner: { prerequisitePenalty: 1 } });
    const ungatedSettings = LearningSettings.parse({ selection: { whenGateDoesNotHold: 'ungated' } });
    const runs = [7001, 7002, 7004].map((seed) => ({
      classSheet: simulateArm(config(seed), 'uniform'),
      adapted: simulateArm(config(seed), 'personalised'),
      ungated: simulateArm({ ...config(seed), settings: ungatedSettings }, 'personalised'),
    }));
    const total = (arm: 'classSheet' | 'adapted' | 'ungated', of: (r: ReturnType<typeof simulateArm>) => number) => runs.reduce((sum, r) => sum + of(r[arm]), 0);
    for (const r of runs) expect(r.adapted.gate.kind).toBe('does_not_hold');
    expect(total('classSheet', (r) => r.censored) + total('adapted', (r) => r.censored) + total('ungated', (r) => r.censored)).toBe(0);
    const minutes = (r: ReturnType<typeof simulateArm>) => r.meanMinutesToMastery;
    expect(total('adapted', minutes)).toBeLessThan(total('classSheet', minutes));
    expect(total('adapted', minutes)).toBeLessThan(total('ungated', minutes));
    const atDay40 = (r: ReturnType<typeof simulateArm>) => r.checkpoints[0]?.reachedMastery ?? NaN;
    expect(total('adapted', atDay40)).toBeGreaterThanOrEqual(total('classSheet', atDay40));
    const without = simulateArm({ ...config(7001), safetyNet: false }, 'personalised');
    expect(without.censored).toBe(0);
    expect(without.meanMinutesToMastery).toBeGreaterThan(runs[0]?.classSheet.meanMinutesToMastery ?? Infinity);
  }, 900_000);

  it("modelAfterVerdict: until the gate check decides, the sheets are the reference model's, so a sharper model cannot move the verdict; after it, the arm's own model", () => {
    const graph = loadG7Graph();
    const config = { seed: 7001, students: 30, days: 14, horizonDays: 14, skills: graph.skills, unitSkills: graph.unit };
    const sharper = LearningSettings.parse({ model: { learnRateVariance: 0.3, thetaDriftPerObservation: 0.03 } });
    const trace = (extra: Partial<CohortConfig>) => {
      const days: { verdict: string; sheets: string }[] = [];
      simulateArm({ ...config, ...extra, onDay: (t: DayTrace) => days.push({ verdict: t.gate.kind, sheets: JSON.stringify(t.students.map((st) => st.sheet)) }) }, 'personalised');
      return days;
    };
    const reference = trace({});
    const after = trace({ settings: sharper, modelAfterVerdict: true });
    const always = trace({ settings: sharper });
    const decidedOn = reference.findIndex((d) => d.verdict !== 'undecided');
    expect(decidedOn).toBeGreaterThan(0);
    // the day the verdict is made is the last one whose sheet was chosen while undecided
    expect(after.slice(0, decidedOn + 1).map((d) => d.sheets)).toEqual(reference.slice(0, decidedOn + 1).map((d) => d.sheets));
    expect(after.map((d) => d.verdict)).toEqual(reference.map((d) => d.verdict));
    expect(after.slice(decidedOn + 1).map((d) => d.sheets)).not.toEqual(reference.slice(decidedOn + 1).map((d) => d.sheets));
    // without it, the sharper model's sheets differ before the verdict already
    expect(always.slice(0, decidedOn).map((d) => d.sheets)).not.toEqual(reference.slice(0, decidedOn).map((d) => d.sheets));
  }, 120_000);
});
