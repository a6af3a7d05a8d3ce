import { normalCdf, sigmoid } from '../domain/learning/mastery';
import { normal } from '../domain/learning/testing/bankGenerator';
import { classStartsFrom, normaliseWeights, observerParts, systematicPicks, type ObserverOptions, type ObserverWorld, type StartEvidence } from './observerParts';

/**
 * The ideal observer's model (idealObserver.ts) read by a filter that scales: particles only over what every skill
 * shares, a student's general level g and learning rate, and for each particle each skill's start about g as a
 * Gaussian, updated in closed form by one Laplace step per answer (the Elo model's step, mastery.ts). A particle is 2
 * numbers plus 3 per skill the student has answered on; a skill never answered on has no column and reads the class's
 * prior. Resampling copies whole particles, but a particle's skills are Gaussians, not single draws, so it does not
 * collapse a skill's belief onto a few values as the plain filter does with hundreds of skills (docs/mastery.md, round 16).
 *
 * Approximations beside the plain filter's: the Laplace step (a Gaussian posterior per skill and particle, the score
 * taken at the prior mean); on an item of several skills their levels are updated as if independent (the cross term
 * dropped); the prerequisite penalty applies to the expected gain (P(every prerequisite at the line) under each
 * particle's Gaussians, taken as independent); the level is not capped at 4.
 */
type Column = {
  /** Per particle: mean and variance of the skill's start about g, and the practice gain on it so far (after forgetting). */
  mean: Float64Array;
  variance: Float64Array;
  gain: Float64Array;
  /** Answers on the skill (the same in every particle). */
  practice: number;
  /** The class prior the column was opened with (mean and variance about g). */
  readonly priorMean: number;
  readonly priorVariance: number;
};
type Student = { general: Float64Array; learn: Float64Array; weight: Float64Array; columns: Map<number, Column> };

/** sigmoid of a normal N(mu, variance), by the probit approximation. */
function expectedSigmoid(mu: number, variance: number): number {
  return sigmoid(mu / Math.sqrt(1 + (Math.PI * variance) / 8));
}

export class FactoredObserver {
  private readonly students = new Map<string, Student>();
  private readonly parts: ReturnType<typeof observerParts>;
  private readonly n: number;
  resamplings = 0;

  constructor(
    private readonly world: ObserverWorld,
    studentIds: readonly string[],
    readonly options: ObserverOptions,
  ) {
    this.parts = observerParts(world, options, 'FactoredObserver');
    this.n = options.particles;
    for (const id of studentIds) this.students.set(id, this.priorStudent());
  }

  private priorStudent(): Student {
    const { lp } = this.world;
    const general = new Float64Array(this.n);
    const learn = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const g = lp.abilitySd * normal(this.parts.rng);
      general[i] = g;
      learn[i] = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(this.parts.rng) + this.options.rateAbilityTie * g);
    }
    return { general, learn, weight: new Float64Array(this.n).fill(1 / this.n), columns: new Map() };
  }

  private studentOf(studentId: string): Student {
    const s = this.students.get(studentId);
    if (!s) throw new Error(`FactoredObserver: no particles for student ${studentId}`);
    return s;
  }

  private columnOf(s: Student, k: number): Column {
    let c = s.columns.get(k);
    if (!c) {
      const priorMean = this.parts.classPrior.mean[k] as number;
      const priorVariance = (this.parts.classPrior.sd[k] as number) ** 2;
      c = { mean: new Float64Array(this.n).fill(priorMean), variance: new Float64Array(this.n).fill(priorVariance), gain: new Float64Array(this.n), practice: 0, priorMean, priorVariance };
      s.columns.set(k, c);
    }
    return c;
  }

  /** Particle i's level on skill k as a normal: mean and variance (the class prior where the student has no column `c`). */
  private level(s: Student, i: number, k: number, c: Column | undefined): { mu: number; variance: number } {
    const g = s.general[i] as number;
    if (!c) return { mu: g + (this.parts.classPrior.mean[k] as number), variance: (this.parts.classPrior.sd[k] as number) ** 2 };
    return { mu: g + (c.mean[i] as number) + (c.gain[i] as number), variance: c.variance[i] as number };
  }

  /** Forgetting over `gapDays` calendar days, as learner.ts `forget`: the practice gain decays (it is the same in every draw of the particle). */
  forget(gapDays: number): void {
    const { forgetPerDay, spacingFactor } = this.world.lp;
    if (forgetPerDay === 0) return;
    for (const s of this.students.values())
      for (const c of s.columns.values()) {
        const keep = Math.pow(1 - forgetPerDay / (1 + spacingFactor * c.practice), gapDays);
        for (let i = 0; i < this.n; i++) if ((c.gain[i] as number) > 0) c.gain[i] = (c.gain[i] as number) * keep;
      }
  }

  /** Particle i's mean level over the item's skills (their columns `cs`, looked up once per answer), as a normal (the skills' Gaussians taken as independent). */
  private itemLevel(s: Student, i: number, ks: readonly number[], cs: readonly (Column | undefined)[]): { mu: number; variance: number } {
    let mu = 0;
    let variance = 0;
    for (let j = 0; j < ks.length; j++) {
      const l = this.level(s, i, ks[j] as number, cs[j]);
      mu += l.mu;
      variance += l.variance;
    }
    const m = Math.max(1, ks.length);
    return { mu: mu / m, variance: variance / (m * m) };
  }

  predict(studentId: string, itemId: string): number {
    const { ks, b } = this.parts.index.itemOf(itemId, this.options.difficulty);
    const s = this.studentOf(studentId);
    const cs = ks.map((k) => s.columns.get(k));
    const { guess, slip } = this.world.lp;
    let p = 0;
    for (let i = 0; i < this.n; i++) {
      const a = this.itemLevel(s, i, ks, cs);
      p += (s.weight[i] as number) * (guess + (1 - guess - slip) * expectedSigmoid(a.mu - b, a.variance));
    }
    return p;
  }

  /**
   * One graded answer: weigh each particle by its predictive probability of it, move each skill's Gaussian by one
   * Laplace step (score and information of the 4PL likelihood at the particle's mean level), then practise the item.
   */
  observe(studentId: string, itemId: string, correct: boolean): void {
    const { ks, b, minutes } = this.parts.index.itemOf(itemId, this.options.difficulty);
    const { lp, theta } = this.world;
    const s = this.studentOf(studentId);
    const columns = ks.map((k) => this.columnOf(s, k));
    const prerequisites = ks.map((k) => (this.parts.index.prerequisiteIndex[k] ?? []).map((q) => ({ q, c: s.columns.get(q) })));
    const y = correct ? 1 : 0;
    const spread = 1 - lp.guess - lp.slip;
    const m = Math.max(1, ks.length);
    let total = 0;
    for (let i = 0; i < this.n; i++) {
      const a = this.itemLevel(s, i, ks, columns);
      const predictive = lp.guess + spread * expectedSigmoid(a.mu - b, a.variance);
      const w = (s.weight[i] as number) * (correct ? predictive : 1 - predictive);
      s.weight[i] = w;
      total += w;
      const q = sigmoid(a.mu - b);
      const p = lp.guess + spread * q;
      const dp = spread * q * (1 - q);
      const score = (dp * (y - p)) / (p * (1 - p));
      const info = (dp * dp) / (p * (1 - p));
      // a rank-one Kalman step on the item's skills: the answer sees their mean level
      const shrink = 1 / (1 + info * a.variance);
      for (const c of columns) {
        const v = c.variance[i] as number;
        c.mean[i] = (c.mean[i] as number) + (v / m) * score * shrink;
        c.variance[i] = v - (v / m) ** 2 * info * shrink;
      }
      for (let j = 0; j < ks.length; j++) {
        const ready = this.pReady(s, i, prerequisites[j] ?? [], theta);
        const c = columns[j] as Column;
        c.gain[i] = (c.gain[i] as number) + (s.learn[i] as number) * minutes * (ready + lp.prerequisitePenalty * (1 - ready));
      }
    }
    for (const c of columns) c.practice++;
    if (normaliseWeights(s.weight, total, 'FactoredObserver', `the answer of student ${studentId} to ${itemId}`)) this.resample(s);
  }

  /** P(every prerequisite (skill q, the student's column c) is at or above the line) under particle i (the prerequisites taken as independent). */
  private pReady(s: Student, i: number, prerequisites: readonly { q: number; c: Column | undefined }[], theta: number): number {
    let p = 1;
    for (const { q, c } of prerequisites) {
      const l = this.level(s, i, q, c);
      p *= normalCdf((l.mu - theta) / Math.sqrt(l.variance));
    }
    return p;
  }

  /** Systematic resampling; jitter on g and the learning rate keeps copies apart. */
  private resample(s: Student): void {
    this.resamplings++;
    const { jitterSd } = this.options;
    const picks = systematicPicks(s.weight, this.parts.rng);
    const pick = (from: Float64Array) => Float64Array.from(picks, (p) => from[p] as number);
    s.general = pick(s.general).map((g) => g + jitterSd * normal(this.parts.rng));
    s.learn = pick(s.learn).map((r) => r * Math.exp((jitterSd / 2) * normal(this.parts.rng)));
    for (const c of s.columns.values()) {
      c.mean = pick(c.mean);
      c.variance = pick(c.variance);
      c.gain = pick(c.gain);
    }
    s.weight.fill(1 / this.n);
  }

  /** skillPrior 'class' or 'rank', after a day's answers: as IdealObserver's; a student without a column on a skill reads the new prior. */
  updateClassPriors(): void {
    if (this.options.skillPrior === 'world') return;
    const students = [...this.students.values()];
    const n = this.n;
    const evidence = function* (): Generator<StartEvidence> {
      for (const s of students)
        for (const [k, c] of s.columns) {
          let m = 0;
          let mm = 0;
          for (let i = 0; i < n; i++) {
            const w = s.weight[i] as number;
            const mean = c.mean[i] as number;
            m += w * mean;
            mm += w * (mean * mean + (c.variance[i] as number));
          }
          yield { skill: k, mean: m, variance: Math.max(mm - m * m, 1e-6), priorMean: c.priorMean, priorVariance: c.priorVariance };
        }
    };
    const starts = classStartsFrom(evidence(), this.world.order.length, this.world.lp, this.options);
    if (!starts) return;
    starts.means.forEach((mean, k) => {
      if (Number.isNaN(mean)) return;
      this.parts.classPrior.set(k, mean, starts.counts[k] as number);
    });
  }

  /** The observer's mastery flag (observerParts.ts `MasteryFlags`). */
  mastered(studentId: string, skill: string, confidence: number, lostBelowP: number): boolean {
    return this.parts.flags.update(`${studentId}|${skill}`, () => this.pKnown(studentId, skill), () => this.pCorrectReference(studentId, skill), confidence, lostBelowP);
  }

  /** Σ over particles of weight × f(the particle's level on `skill`). */
  private expectation(studentId: string, skill: string, f: (mu: number, variance: number) => number): number {
    const k = this.parts.index.skillIndex(skill);
    const s = this.studentOf(studentId);
    const c = s.columns.get(k);
    let e = 0;
    for (let i = 0; i < this.n; i++) {
      const l = this.level(s, i, k, c);
      e += (s.weight[i] as number) * f(l.mu, l.variance);
    }
    return e;
  }

  pCorrectReference(studentId: string, skill: string): number {
    const { guess, slip } = this.world.lp;
    return this.expectation(studentId, skill, (mu, variance) => guess + (1 - guess - slip) * expectedSigmoid(mu, variance));
  }

  pKnown(studentId: string, skill: string): number {
    return this.expectation(studentId, skill, (mu, variance) => normalCdf((mu - this.world.theta) / Math.sqrt(variance)));
  }

  meanLevel(studentId: string, skill: string): number {
    return this.expectation(studentId, skill, (mu) => mu);
  }

  classStart(skill: string): number {
    return this.parts.classPrior.mean[this.parts.index.skillIndex(skill)] as number;
  }
}
