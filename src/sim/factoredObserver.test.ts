import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import { FactoredObserver } from './factoredObserver';
import { IdealObserver } from './idealObserver';
import { DEFAULT_OBSERVER_OPTIONS, type ObserverOptions, type ObserverWorld } from './observerParts';
import { DEFAULT_LEARNER, makeStudents, masteryTheta, pCorrect, practise, type LearnerParams } from './learner';

/**
 * A world of many skills and no prerequisites, as the real KT data has (221 skills): students answer `perSkill` items on
 * each skill in turn, and each observer predicts every answer before it sees it.
 */
function readManySkills(filter: ObserverOptions['filter'], skillCount: number, perSkill: number) {
  const lp: LearnerParams = { ...DEFAULT_LEARNER, startLevel: 0, dropPerRank: 0, skillSd: 1, prerequisitePenalty: 1, forgetPerDay: 0, learnPerMinute: 0.02 };
  const order = Array.from({ length: skillCount }, (_, k) => `k${k}`);
  const difficulty = new Map<string, number>();
  const items = new Map<string, { skills: string[]; minutes: number; difficulty: number }>();
  const itemRng = seededRng('factored-test|items');
  for (const k of order)
    for (let j = 0; j < perSkill; j++) {
      const b = 1.5 * (itemRng() - 0.5) * 2;
      items.set(`${k}-${j}`, { skills: [k], minutes: 1, difficulty: b });
      difficulty.set(`${k}-${j}`, b);
    }
  const world: ObserverWorld = { lp, theta: masteryTheta(lp), order, prerequisites: new Map(), items, trueDifficulty: difficulty };
  const students = makeStudents(8, order, 'factored-test', lp);
  const options = { ...DEFAULT_OBSERVER_OPTIONS, particles: 200, seed: 'factored-test' };
  const observer = filter === 'factored' ? new FactoredObserver(world, students.map((s) => s.id), options) : new IdealObserver(world, students.map((s) => s.id), options);
  const rng = seededRng('factored-test|answers');
  let logLoss = 0;
  let answers = 0;
  let levelError = 0;
  for (const st of students) {
    for (const k of order)
      for (let j = 0; j < perSkill; j++) {
        const id = `${k}-${j}`;
        const correct = rng() < pCorrect(st, [k], difficulty.get(id) as number, lp);
        practise(st, [k], 1, lp, () => true);
        const p = observer.predict(st.id, id);
        logLoss -= Math.log(correct ? p : 1 - p);
        answers++;
        observer.observe(st.id, id, correct);
      }
    for (const k of order) levelError += Math.abs(observer.meanLevel(st.id, k) - (st.level.get(k) as number));
  }
  return { logLoss: logLoss / answers, levelError: levelError / (students.length * order.length) };
}

describe('the factored observer (particles over the general level and rate, a Gaussian per skill)', () => {
  it('reads a world of many skills far better than the filter whose particles carry every skill, which collapses', () => {
    const factored = readManySkills('factored', 120, 12);
    const particles = readManySkills('particles', 120, 12);
    console.log(JSON.stringify({ test: 'factoredManySkills', factored, particles }));
    // a student's level on each skill, after 12 answers on it: the plain filter's copies of a few particles are far off
    expect(factored.levelError).toBeLessThan(0.75 * particles.levelError);
    expect(factored.logLoss).toBeLessThan(particles.logLoss);
  });

  it('on an item of two skills, moves each by the Kalman step of an answer that sees their mean level', () => {
    // one particle at g = 0 with no learning, so each skill's mean level is its Gaussian's mean
    const lp: LearnerParams = { ...DEFAULT_LEARNER, abilitySd: 0, startLevel: 0.8, dropPerRank: 1.2, skillSd: 0.7, prerequisitePenalty: 1, forgetPerDay: 0, learnPerMinute: 0 };
    const items = new Map([['ab', { skills: ['a', 'b'], minutes: 3, difficulty: 0.4 }]]);
    const world: ObserverWorld = { lp, theta: masteryTheta(lp), order: ['a', 'b'], prerequisites: new Map(), items, trueDifficulty: new Map() };
    for (const correct of [true, false]) {
      const observer = new FactoredObserver(world, ['s'], { ...DEFAULT_OBSERVER_OPTIONS, particles: 1, seed: 'two-skills' });
      observer.observe('s', 'ab', correct);
      // by hand: prior means 0.8 and −0.4, variance 0.49 each; the answer sees (a + b) / 2
      const v = 0.49;
      const q = 1 / (1 + Math.exp(-((0.8 - 0.4) / 2 - 0.4)));
      const spread = 1 - lp.guess - lp.slip;
      const p = lp.guess + spread * q;
      const dp = spread * q * (1 - q);
      const score = (dp * ((correct ? 1 : 0) - p)) / (p * (1 - p));
      const info = (dp * dp) / (p * (1 - p));
      const step = ((v / 2) * score) / (1 + (info * 2 * v) / 4);
      expect(observer.meanLevel('s', 'a')).toBeCloseTo(0.8 + step, 10);
      expect(observer.meanLevel('s', 'b')).toBeCloseTo(-0.4 + step, 10);
      expect(Math.sign(step)).toBe(correct ? 1 : -1);
    }
  });

  it('moves a skill toward the level its answers show, and its predictions follow', () => {
    const lp: LearnerParams = { ...DEFAULT_LEARNER, startLevel: 0, dropPerRank: 0, prerequisitePenalty: 1, forgetPerDay: 0, learnPerMinute: 0 };
    const items = new Map(Array.from({ length: 400 }, (_, j) => [`i${j}`, { skills: ['k'], minutes: 1, difficulty: 0 }]));
    const world: ObserverWorld = { lp, theta: masteryTheta(lp), order: ['k'], prerequisites: new Map(), items, trueDifficulty: new Map() };
    const rng = seededRng('factored-test|one-skill');
    for (const level of [-1.5, 1.2]) {
      const observer = new FactoredObserver(world, ['s'], { ...DEFAULT_OBSERVER_OPTIONS, particles: 100, seed: `one|${level}` });
      const truth = lp.guess + (1 - lp.guess - lp.slip) / (1 + Math.exp(-level));
      for (const id of items.keys()) observer.observe('s', id, rng() < truth);
      expect(Math.abs(observer.meanLevel('s', 'k') - level)).toBeLessThan(0.35);
      expect(Math.abs(observer.predict('s', 'i0') - truth)).toBeLessThan(0.05);
      expect(observer.pKnown('s', 'k') > 0.5).toBe(level > world.theta);
    }
  });
});
