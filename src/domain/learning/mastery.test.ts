import { describe, expect, it } from 'vitest';
import { seededRng } from '../random';
import type { GradedResponse } from '../response';
import { addDays } from './dates';
import {
  emptyMasteryState,
  exportCalibration,
  itemParam,
  masteryFromJson,
  masteryOf,
  masteryToJson,
  predictCorrect,
  replaceCalibration,
  replayWithPredictions,
  skillRecord,
  updateMastery,
} from './mastery';
import { pearson } from './metrics';
import { DEFAULT_LEARNING_SETTINGS as S, LearningSettings } from './settings';
import { normal } from './testing/bankGenerator';

const resp = (over: Partial<GradedResponse> & { seq: number }): GradedResponse => ({
  studentId: 's1',
  itemId: 'i1',
  itemVersion: 1,
  skills: ['k'],
  answer: 'A',
  score: 1,
  maxScore: 1,
  correct: true,
  date: '2025-11-20',
  ...over,
});

/** The plain Elo / 1PL mechanics: no guess, no slip, no learning gain. */
const PLAIN = LearningSettings.parse({ model: { guess: 0, slip: 0, learnPerMinute: 0 } });

describe('mastery: online Elo (4PL likelihood, learning from practice)', () => {
  it('recovers known abilities and difficulties from simulated answers (r > 0.8)', () => {
    const rng = seededRng('recovery');
    const nStudents = 200;
    const nItems = 60;
    const theta = Array.from({ length: nStudents }, () => normal(rng));
    const b = Array.from({ length: nItems }, () => normal(rng));
    const responses: GradedResponse[] = [];
    let seq = 0;
    // 40 answers per student, interleaved across students the way scans arrive (day by day).
    for (let day = 0; day < 4; day++)
      for (let s = 0; s < nStudents; s++)
        for (let k = 0; k < 10; k++) {
          const i = Math.floor(rng() * nItems);
          const correct = rng() < 1 / (1 + Math.exp(-((theta[s] as number) - (b[i] as number))));
          responses.push(resp({ studentId: `s${s}`, itemId: `i${i}`, correct, score: correct ? 1 : 0, date: addDays('2025-11-03', day), seq: seq++ }));
        }
    // A static-ability world: no drift per observation; the bank says nothing (difficulty 0 for all).
    const settings = LearningSettings.parse({ model: { thetaDriftPerObservation: 0, thetaDriftPerDay: 0, itemPriorVariance: 1 } });
    const state = updateMastery(emptyMasteryState(settings), responses, new Map(), settings);
    const thetaHat = theta.map((_, s) => skillRecord(state, `s${s}`, 'k', settings).theta);
    const bHat = b.map((_, i) => itemParam(state, `i${i}`, new Map(), settings).b);
    expect(pearson(thetaHat, theta)).toBeGreaterThan(0.8);
    expect(pearson(bHat, b)).toBeGreaterThan(0.8);
  });

  it('K is uncertainty-aware: the step per unit of surprise shrinks with the observations', () => {
    // The Elo mechanics on their own: no guess or slip, no learning gain.
    const S = PLAIN;
    let state = emptyMasteryState(S);
    const k: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = skillRecord(state, 's1', 'k', S).theta;
      const correct = i % 2 === 0;
      const p = 1 / (1 + Math.exp(-before)); // a fresh item of bank difficulty 0
      state = updateMastery(state, [resp({ itemId: `i${i}`, correct, score: correct ? 1 : 0, seq: i })], new Map(), S);
      k.push(Math.abs(skillRecord(state, 's1', 'k', S).theta - before) / Math.abs((correct ? 1 : 0) - p));
    }
    expect(k[0]).toBeGreaterThan(1.5 * (k[9] as number));
    for (let i = 1; i < 10; i++) expect(k[i] as number).toBeLessThanOrEqual((k[i - 1] as number) + 1e-9);
    const m = masteryOf(state, 's1', 'k', S);
    expect(m.n).toBe(10);
    expect(m.uncertainty).toBeLessThan(Math.sqrt(S.model.priorThetaVariance));
  });

  it('uses the bank difficulty as the prior and updates it from responses', () => {
    const bank = new Map([['hard', { difficulty: 2 }], ['easy', { difficulty: -2 }]]);
    const s0 = emptyMasteryState(S);
    expect(predictCorrect(s0, 's1', { id: 'easy', skills: ['k'] }, bank, S)).toBeGreaterThan(predictCorrect(s0, 's1', { id: 'hard', skills: ['k'] }, bank, S));
    const s1 = updateMastery(s0, [resp({ itemId: 'hard', correct: true, seq: 1 })], bank, S);
    expect(itemParam(s1, 'hard', bank, S).b).toBeLessThan(2);
    expect(itemParam(s1, 'hard', bank, S).source).toBe('local');
    // an easy item answered right teaches less than a hard one
    const s2 = updateMastery(s0, [resp({ itemId: 'easy', correct: true, seq: 1 })], bank, S);
    expect(skillRecord(s1, 's1', 'k', S).theta).toBeGreaterThan(skillRecord(s2, 's1', 'k', S).theta);
  });

  it('partial scores on open items count in part (score / maxScore)', () => {
    const S = PLAIN;
    const at = (score: number) =>
      skillRecord(updateMastery(emptyMasteryState(S), [resp({ score, maxScore: 4, correct: score === 4, seq: 1 })], new Map(), S), 's1', 'k', S).theta;
    expect(at(0)).toBeLessThan(at(2));
    expect(at(2)).toBeLessThan(at(4));
    expect(at(2)).toBeCloseTo(0, 5); // y = 0.5 against p = 0.5: no move
  });

  it('re-applying the same batch is a no-op (appliedThroughSeq)', () => {
    const batch = [resp({ seq: 1 }), resp({ seq: 2, correct: false, score: 0 })];
    const once = updateMastery(emptyMasteryState(S), batch, new Map(), S);
    const twice = updateMastery(once, batch, new Map(), S);
    expect(twice).toBe(once);
    expect(skillRecord(twice, 's1', 'k', S).n).toBe(2);
  });

  it('applies responses in seq order whatever order they come in', () => {
    const a = [resp({ seq: 1, correct: false, score: 0 }), resp({ seq: 2 }), resp({ seq: 3 })];
    const one = updateMastery(emptyMasteryState(S), a, new Map(), S);
    const two = updateMastery(emptyMasteryState(S), [...a].reverse(), new Map(), S);
    expect(skillRecord(two, 's1', 'k', S)).toEqual(skillRecord(one, 's1', 'k', S));
  });

  it('becomes mastered after consistent success, and one slip does not undo it (hysteresis)', () => {
    let state = emptyMasteryState(S);
    let seq = 0;
    for (let day = 0; day < 4 && !masteryOf(state, 's1', 'k', S).mastered; day++)
      state = updateMastery(state, Array.from({ length: 8 }, (_, i) => resp({ itemId: `d${day}i${i}`, date: addDays('2025-11-03', day), seq: seq++ })), new Map([['x', { difficulty: 0.5 }]]), S);
    const m = masteryOf(state, 's1', 'k', S);
    expect(m.mastered).toBe(true);
    expect(m.p).toBeGreaterThanOrEqual(S.mastery.masteredP);
    state = updateMastery(state, [resp({ itemId: 'slip', correct: false, score: 0, date: '2025-11-10', seq: seq++ })], new Map(), S);
    expect(masteryOf(state, 's1', 'k', S).mastered).toBe(true);
    // a run of failures does undo it
    state = updateMastery(state, Array.from({ length: 8 }, (_, i) => resp({ itemId: `f${i}`, correct: false, score: 0, date: '2025-11-11', seq: seq++ })), new Map(), S);
    expect(masteryOf(state, 's1', 'k', S).mastered).toBe(false);
  });

  it('mixed results do not count as mastered', () => {
    let state = emptyMasteryState(S);
    const rs = Array.from({ length: 20 }, (_, i) => resp({ itemId: `i${i}`, correct: i % 2 === 0, score: i % 2 === 0 ? 1 : 0, seq: i }));
    state = updateMastery(state, rs, new Map(), S);
    const m = masteryOf(state, 's1', 'k', S);
    expect(m.mastered).toBe(false);
    expect(m.p).toBeGreaterThan(0.3);
    expect(m.p).toBeLessThan(0.7);
  });

  it('uncertainty grows with the days since the last observation (asOf)', () => {
    const state = updateMastery(emptyMasteryState(S), [resp({ seq: 1 }), resp({ itemId: 'i2', seq: 2 })], new Map(), S);
    expect(masteryOf(state, 's1', 'k', S, '2025-12-20').uncertainty).toBeGreaterThan(masteryOf(state, 's1', 'k', S, '2025-11-20').uncertainty);
  });

  it('updates a 40-student scan (40 × 20 responses) in one batch: every answer counted once (the speed lives in bench/mastery.bench.ts)', () => {
    const rs = Array.from({ length: 800 }, (_, i) => resp({ studentId: `s${i % 40}`, itemId: `i${i % 300}`, skills: [`k${i % 15}`], correct: i % 3 > 0, seq: i }));
    const state = updateMastery(emptyMasteryState(S), rs, new Map(), S);
    expect(state.students.size).toBe(40);
    const total = [...state.students.values()].reduce((sum, skills) => sum + [...skills.values()].reduce((a, r) => a + r.n, 0), 0);
    expect(total).toBe(800);
    expect(state.appliedThroughSeq).toBe(799);
    expect(updateMastery(state, rs, new Map(), S)).toBe(state);
  });

  it('round-trips through JSON and refuses another model version', () => {
    const state = updateMastery(emptyMasteryState(S), [resp({ seq: 1 }), resp({ studentId: 's2', seq: 2, correct: false, score: 0 })], new Map(), S);
    const json = JSON.parse(JSON.stringify(masteryToJson(state)));
    const back = masteryFromJson(json, S);
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect(masteryOf(back.value, 's2', 'k', S)).toEqual(masteryOf(state, 's2', 'k', S));
      expect(back.value.appliedThroughSeq).toBe(2);
    }
    const other = LearningSettings.parse({ model: { version: 'elo-1pl/2' } });
    const refused = masteryFromJson(json, other);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.kind).toBe('model_version_mismatch');
    expect(masteryFromJson({ format: 'nope' }, S).ok).toBe(false);
  });

  it('district-calibrated difficulties replace the bank values, abilities stay', () => {
    const bank = new Map([['i1', { difficulty: 0 }]]);
    const state = updateMastery(emptyMasteryState(S), [resp({ seq: 1 })], bank, S);
    const next = replaceCalibration(state, { version: 'district-2025-11', source: 'district', items: [{ itemId: 'i1', b: 1.5, variance: 0.02 }] }, S);
    expect(itemParam(next, 'i1', bank, S)).toMatchObject({ b: 1.5, source: 'district' });
    expect(next.calibrationVersion).toBe('district-2025-11');
    expect(skillRecord(next, 's1', 'k', S)).toEqual(skillRecord(state, 's1', 'k', S));
    expect(exportCalibration(next, 'v').items).toEqual([{ itemId: 'i1', b: 1.5, variance: 0.02, n: 0 }]);
  });

  it('gives the prediction made before each response (for next-response evaluation)', () => {
    const rs = [resp({ seq: 1 }), resp({ seq: 2 }), resp({ seq: 3 })];
    const r = replayWithPredictions(emptyMasteryState(S), rs, new Map(), S);
    // A new student on a b = 0 item: halfway between the guess floor and the slip ceiling.
    expect(r.predictions[0]).toBeCloseTo(S.model.guess + (1 - S.model.guess - S.model.slip) / 2, 5);
    expect(r.predictions[2] as number).toBeGreaterThan(r.predictions[1] as number);
    expect(r.applied.map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it('a new skill starts nearer the student’s level on other skills (transfer prior)', () => {
    const rs = Array.from({ length: 10 }, (_, i) => resp({ itemId: `i${i}`, seq: i }));
    const state = updateMastery(emptyMasteryState(S), rs, new Map(), S);
    expect(masteryOf(state, 's1', 'other', S).theta).toBeGreaterThan(0);
    expect(masteryOf(state, 's1', 'other', S).n).toBe(0);
    const noTransfer = LearningSettings.parse({ model: { transferFromOtherSkills: 0 } });
    expect(masteryOf(state, 's1', 'other', noTransfer).theta).toBe(0);
  });

  it('confirms mastery from one day of consistent right answers, never on too little or mixed evidence, and no sooner when stricter', () => {
    const day = (settings: LearningSettings, n: number, difficulty: number, wrong: (i: number) => boolean = () => false) => {
      const rs = Array.from({ length: n }, (_, i) => resp({ itemId: `i${i}`, correct: !wrong(i), score: wrong(i) ? 0 : 1, seq: i }));
      const bank = new Map(rs.map((r) => [r.itemId, { difficulty, minutes: 3 }]));
      return masteryOf(updateMastery(emptyMasteryState(settings), rs, bank, settings), 's1', 'k', settings).mastered;
    };
    // The fewest right answers in one day that confirm a new student with no class data (Infinity: never within a day's sheet).
    const dayMax = S.selection.maxItems;
    const fewest = (settings: LearningSettings, difficulty: number) => {
      for (let n = 1; n <= dayMax; n++) if (day(settings, n, difficulty)) return n;
      return Infinity;
    };
    const strict = LearningSettings.parse({ mastery: { masteredConfidence: 0.9 } });
    for (const difficulty of [0, 1]) {
      const n = fewest(S, difficulty);
      // Reachable in one day's sheet, and never below the minimum number of observations.
      expect(n, `difficulty ${difficulty}`).toBeLessThanOrEqual(dayMax);
      expect(n).toBeGreaterThanOrEqual(Math.max(1, S.mastery.masteredMinObservations));
      // More right answers never undo it.
      for (let m = n; m <= dayMax; m++) expect(day(S, m, difficulty), `${m} right at difficulty ${difficulty}`).toBe(true);
      // A sheet with every other answer wrong never confirms, however long.
      for (let m = 2; m <= dayMax; m++) expect(day(S, m, difficulty, (i) => i % 2 === 1), `${m} answers, half wrong`).toBe(false);
      // A stricter confidence never confirms sooner.
      expect(fewest(strict, difficulty)).toBeGreaterThanOrEqual(n);
    }
    // Right answers on harder items are stronger evidence: stretch confirms no later than core.
    expect(fewest(S, 1)).toBeLessThanOrEqual(fewest(S, 0));
  });

  it('slip and guess: one slip by a strong student or one lucky guess by a weak one moves theta less than plain Elo', () => {
    const run = (settings: LearningSettings, outcomes: boolean[]) =>
      skillRecord(
        updateMastery(emptyMasteryState(settings), outcomes.map((c, i) => resp({ itemId: `i${i}`, correct: c, score: c ? 1 : 0, seq: i })), new Map(), settings),
        's1',
        'k',
        settings,
      ).theta;
    const g4 = LearningSettings.parse({ model: { learnPerMinute: 0 } }); // 4PL, no learning gain
    const strong = Array.from({ length: 12 }, () => true);
    const slipDrop = (settings: LearningSettings) => run(settings, strong) - run(settings, [...strong, false]);
    expect(slipDrop(g4)).toBeLessThan(slipDrop(PLAIN));
    const weak = Array.from({ length: 12 }, () => false);
    const guessRise = (settings: LearningSettings) => run(settings, [...weak, true]) - run(settings, weak);
    expect(guessRise(g4)).toBeLessThan(guessRise(PLAIN));
  });

  it('recovers abilities and difficulties when answers include slips and guesses (r > 0.8)', () => {
    const rng = seededRng('recovery-4pl');
    const nStudents = 200;
    const nItems = 60;
    const theta = Array.from({ length: nStudents }, () => normal(rng));
    const b = Array.from({ length: nItems }, () => normal(rng));
    const responses: GradedResponse[] = [];
    let seq = 0;
    for (let day = 0; day < 4; day++)
      for (let s = 0; s < nStudents; s++)
        for (let k = 0; k < 10; k++) {
          const i = Math.floor(rng() * nItems);
          const p = 0.15 + 0.77 / (1 + Math.exp(-((theta[s] as number) - (b[i] as number))));
          const correct = rng() < p;
          responses.push(resp({ studentId: `s${s}`, itemId: `i${i}`, correct, score: correct ? 1 : 0, date: addDays('2025-11-03', day), seq: seq++ }));
        }
    const settings = LearningSettings.parse({ model: { thetaDriftPerObservation: 0, thetaDriftPerDay: 0, itemPriorVariance: 1, learnPerMinute: 0 } });
    const state = updateMastery(emptyMasteryState(settings), responses, new Map(), settings);
    expect(pearson(theta.map((_, s) => skillRecord(state, `s${s}`, 'k', settings).theta), theta)).toBeGreaterThan(0.8);
    expect(pearson(b.map((_, i) => itemParam(state, `i${i}`, new Map(), settings).b), b)).toBeGreaterThan(0.8);
  });

  it('credits learning to practice: theta rises by learnPerMinute × minutes per correct answer, and records it', () => {
    const bank = new Map([['i1', { difficulty: 0, minutes: 4 }]]);
    const noGain = LearningSettings.parse({ model: { learnPerMinute: 0 } });
    const withGain = updateMastery(emptyMasteryState(S), [resp({ seq: 1 })], bank, S);
    const without = updateMastery(emptyMasteryState(noGain), [resp({ seq: 1 })], bank, noGain);
    expect(skillRecord(withGain, 's1', 'k', S).theta - skillRecord(without, 's1', 'k', noGain).theta).toBeCloseTo(4 * S.model.learnPerMinute, 6);
    expect(skillRecord(withGain, 's1', 'k', S).learned).toBeCloseTo(4 * S.model.learnPerMinute, 6);
    // A wrong answer is credited learnOnWrongShare of the gain (0 by default).
    const wrong = updateMastery(emptyMasteryState(S), [resp({ seq: 1, correct: false, score: 0 })], bank, S);
    expect(skillRecord(wrong, 's1', 'k', S).learned).toBeCloseTo(4 * S.model.learnPerMinute * S.model.learnOnWrongShare, 6);
  });

  it('hierarchical prior: a new skill starts from the class start on it plus the student’s offset from the class', () => {
    // s1 and s2 both answered skill a; s1 did far better. Both then meet skill b, which s3 found hard.
    const rs: GradedResponse[] = [];
    let seq = 0;
    for (let i = 0; i < 6; i++) {
      rs.push(resp({ studentId: 's1', skills: ['a'], itemId: `a${i}`, seq: seq++ }));
      rs.push(resp({ studentId: 's2', skills: ['a'], itemId: `a${i}`, correct: false, score: 0, seq: seq++ }));
      rs.push(resp({ studentId: 's3', skills: ['b'], itemId: `b${i}`, correct: false, score: 0, seq: seq++ }));
    }
    const state = updateMastery(emptyMasteryState(S), rs, new Map(), S);
    const s1b = skillRecord(state, 's1', 'b', S);
    const s2b = skillRecord(state, 's2', 'b', S);
    expect(s1b.n).toBe(0);
    expect(s1b.theta).toBeGreaterThan(s2b.theta);
    // The class found b hard, so even the strong student starts below priorTheta + offset alone.
    const c = skillRecord(state, 's1', 'c', S); // a skill nobody has seen
    expect(s1b.theta).toBeLessThan(c.theta);
    expect(s1b.variance).toBeLessThanOrEqual(S.model.priorThetaVariance);
    // The prior is the same after a JSON round trip (the class statistics are derived from the records).
    const back = masteryFromJson(JSON.parse(JSON.stringify(masteryToJson(state))), S);
    expect(back.ok && skillRecord(back.value, 's1', 'b', S).theta).toBeCloseTo(s1b.theta, 9);
  });
});
