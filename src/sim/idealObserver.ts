import { sigmoid } from '../domain/learning/mastery';
import { normal } from '../domain/learning/testing/bankGenerator';
import type { LearnerParams } from './learner';
import { classStartsFrom, DEFAULT_OBSERVER_OPTIONS, normaliseWeights, observerParts, systematicPicks, type ObserverOptions, type ObserverWorld, type StartEvidence } from './observerParts';

/** One student's particles: per particle a row of `order.length` skills, and the particle's general level. */
type Cloud = {
  level: Float64Array;
  start: Float64Array;
  practice: Float64Array;
  learn: Float64Array;
  general: Float64Array;
  weight: Float64Array;
  /** Per skill: answered on yet, and the prior the particles' start was drawn from (mean, SD about the general level). */
  answered: Uint8Array;
  priorMean: Float64Array;
  priorSd: Float64Array;
};
/** Particle rows: levels, start levels and practice counts, each particle's skills side by side. */
export type Rows = Pick<Cloud, 'level' | 'start' | 'practice'>;

/** learner.ts `forget` on every row: gains above the start level decay, more slowly after more practice. */
export function forgetRows(rows: Rows, gapDays: number, lp: Pick<LearnerParams, 'forgetPerDay' | 'spacingFactor'>): void {
  for (let j = 0; j < rows.level.length; j++) {
    const start = rows.start[j] as number;
    const a = rows.level[j] as number;
    if (a <= start) continue;
    const rate = lp.forgetPerDay / (1 + lp.spacingFactor * (rows.practice[j] as number));
    rows.level[j] = start + (a - start) * Math.pow(1 - rate, gapDays);
  }
}

/**
 * learner.ts `practise` on the particle whose row starts at `row`: each of the item's skills (indices `ks`) gains
 * learn × minutes, × `penalty` while a prerequisite (`prerequisiteIndex`) is below the line `theta`, in the item's order.
 */
export function practiseRow(rows: Rows, row: number, learn: number, ks: readonly number[], minutes: number, prerequisiteIndex: readonly (readonly number[])[], theta: number, penalty: number): void {
  for (const k of ks) {
    const ready = (prerequisiteIndex[k] ?? []).every((q) => (rows.level[row + q] as number) >= theta);
    const gain = learn * minutes * (ready ? 1 : penalty);
    rows.level[row + k] = Math.min(4, (rows.level[row + k] as number) + gain);
    rows.practice[row + k] = (rows.practice[row + k] as number) + 1;
  }
}

/**
 * A diagnostic for the cohort simulator, never a product part: the best estimate of a student's latent
 * state that the answers allow. A particle filter that knows the simulated world exactly: the learner's
 * parameters and dynamics (learner.ts: start levels, learning with the prerequisite penalty, forgetting),
 * each item's true difficulty and minutes, and what each student practised. It sees only the graded
 * answers of each student, as the station does. So flags from it separate what answers can tell from
 * what the station's model makes of them (docs/mastery.md, section 6, round 14).
 *
 * Approximations: a finite number of particles per student (Monte Carlo noise), and after each resampling a small
 * jitter (`jitterSd` logits on a skill's start and level together, ×exp(N(0, jitterSd / 2)) on the learning rate),
 * without which the copies of a particle would stay identical for good; it adds a slow random walk to the
 * particles (about 16 resamplings a student over 250 days).
 */
export class IdealObserver {
  private readonly clouds = new Map<string, Cloud>();
  private readonly parts: ReturnType<typeof observerParts>;
  private readonly n: number;
  private readonly skills: number;
  resamplings = 0;

  constructor(
    private readonly world: ObserverWorld,
    studentIds: readonly string[],
    readonly options: ObserverOptions = DEFAULT_OBSERVER_OPTIONS,
  ) {
    this.parts = observerParts(world, options, 'IdealObserver');
    this.n = options.particles;
    this.skills = world.order.length;
    for (const id of studentIds) this.clouds.set(id, this.priorCloud());
  }

  /** Particles drawn from the prior of makeStudents. */
  private priorCloud(): Cloud {
    const { lp } = this.world;
    const { n, skills } = this;
    const cloud: Cloud = {
      level: new Float64Array(n * skills),
      start: new Float64Array(n * skills),
      practice: new Float64Array(n * skills),
      learn: new Float64Array(n),
      general: new Float64Array(n),
      weight: new Float64Array(n).fill(1 / n),
      answered: new Uint8Array(skills),
      priorMean: Float64Array.from(this.parts.classPrior.mean),
      priorSd: Float64Array.from(this.parts.classPrior.sd),
    };
    for (let i = 0; i < n; i++) {
      const g = lp.abilitySd * normal(this.parts.rng);
      cloud.general[i] = g;
      cloud.learn[i] = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(this.parts.rng) + this.options.rateAbilityTie * g);
      for (let k = 0; k < skills; k++) {
        const a = (this.parts.classPrior.mean[k] as number) + g + (this.parts.classPrior.sd[k] as number) * normal(this.parts.rng);
        cloud.start[i * skills + k] = a;
        cloud.level[i * skills + k] = a;
      }
    }
    return cloud;
  }

  private cloudOf(studentId: string): Cloud {
    const cloud = this.clouds.get(studentId);
    if (!cloud) throw new Error(`IdealObserver: no particles for student ${studentId}`);
    return cloud;
  }

  /** Forgetting over `gapDays` calendar days, as learner.ts `forget`. */
  forget(gapDays: number): void {
    for (const c of this.clouds.values()) forgetRows(c, gapDays, this.world.lp);
  }

  /** The posterior predictive P(correct) of the student on an item, before its answer is seen. */
  predict(studentId: string, itemId: string): number {
    const { ks, b } = this.parts.index.itemOf(itemId, this.options.difficulty);
    const c = this.cloudOf(studentId);
    let p = 0;
    for (let i = 0; i < this.n; i++) p += (c.weight[i] as number) * this.particleP(c, i * this.skills, ks, b);
    return p;
  }

  /** P(correct) of the particle whose row starts at `row` on an item of skills `ks` and difficulty `b`: the mean of its levels on them. */
  private particleP(c: Cloud, row: number, ks: readonly number[], b: number): number {
    const { lp } = this.world;
    const a = ks.reduce((sum, k) => sum + (c.level[row + k] as number), 0) / Math.max(1, ks.length);
    return lp.guess + (1 - lp.guess - lp.slip) * sigmoid(a - b);
  }

  /** One graded answer: weigh each particle by how likely it made it, then practise the item as learner.ts `practise` does. */
  observe(studentId: string, itemId: string, correct: boolean): void {
    const { ks, b, minutes } = this.parts.index.itemOf(itemId, this.options.difficulty);
    const { lp, theta } = this.world;
    const c = this.cloudOf(studentId);
    for (const k of ks) c.answered[k] = 1;
    const { n, skills } = this;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = i * skills;
      const p = this.particleP(c, row, ks, b);
      const w = (c.weight[i] as number) * (correct ? p : 1 - p);
      c.weight[i] = w;
      total += w;
      practiseRow(c, row, c.learn[i] as number, ks, minutes, this.parts.index.prerequisiteIndex, theta, lp.prerequisitePenalty);
    }
    if (normaliseWeights(c.weight, total, 'IdealObserver', `the answer of student ${studentId} to ${itemId}`)) this.resample(c);
  }

  /** Systematic resampling, then the jitter that keeps copies apart. */
  private resample(c: Cloud): void {
    this.resamplings++;
    const { n, skills } = this;
    const { jitterSd } = this.options;
    const picks = systematicPicks(c.weight, this.parts.rng);
    const level = new Float64Array(n * skills);
    const start = new Float64Array(n * skills);
    const practice = new Float64Array(n * skills);
    const learn = new Float64Array(n);
    const general = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      general[m] = c.general[picks[m] as number] as number;
      const from = (picks[m] as number) * skills;
      for (let k = 0; k < skills; k++) {
        const shift = jitterSd * normal(this.parts.rng);
        level[m * skills + k] = Math.min(4, (c.level[from + k] as number) + shift);
        start[m * skills + k] = (c.start[from + k] as number) + shift;
        practice[m * skills + k] = c.practice[from + k] as number;
      }
      learn[m] = (c.learn[picks[m] as number] as number) * Math.exp((jitterSd / 2) * normal(this.parts.rng));
    }
    c.level = level;
    c.start = start;
    c.practice = practice;
    c.learn = learn;
    c.general = general;
    c.weight.fill(1 / n);
  }

  /**
   * skillPrior 'class' or 'rank', after a day's answers. Each student who has answered on a skill gives an estimate of
   * their start − general on it from the answers alone (their posterior with the prior it was drawn from divided out);
   * 'class' pools them per skill (a random-effects mean, with `classPriorPseudoCount` students' worth of weight at
   * `startLevel`), 'rank' fits one line through the pooled skills against their topological rank. The prior's SD about
   * the general level is skillSd widened by `classPriorSd`² × pseudo / (pseudo + students who answered on the skill,
   * informative or not; for 'rank' too, though the line rests on every skill). A student who
   * has not answered on the skill yet is redrawn from the new prior by moving and rescaling each particle's deviation
   * (a draw from a normal stays one); a student who has answered keeps their particles.
   */
  updateClassPriors(): void {
    if (this.options.skillPrior === 'world') return;
    const { n, skills } = this;
    const clouds = [...this.clouds.values()];
    const evidence = function* (): Generator<StartEvidence> {
      for (const c of clouds)
        for (let k = 0; k < skills; k++) {
          if (!c.answered[k]) continue;
          let m = 0;
          let mm = 0;
          for (let i = 0; i < n; i++) {
            const d = (c.start[i * skills + k] as number) - (c.general[i] as number);
            m += (c.weight[i] as number) * d;
            mm += (c.weight[i] as number) * d * d;
          }
          yield { skill: k, mean: m, variance: Math.max(mm - m * m, 1e-6), priorMean: c.priorMean[k] as number, priorVariance: (c.priorSd[k] as number) ** 2 };
        }
    };
    const starts = classStartsFrom(evidence(), skills, this.world.lp, this.options);
    if (!starts) return;
    for (let k = 0; k < skills; k++) {
      const mean = starts.means[k] as number;
      if (Number.isNaN(mean)) continue;
      this.parts.classPrior.set(k, mean, starts.counts[k] as number);
      for (const c of clouds) {
        if (c.answered[k]) continue;
        const scale = (this.parts.classPrior.sd[k] as number) / (c.priorSd[k] as number);
        for (let i = 0; i < n; i++) {
          const deviation = (c.start[i * skills + k] as number) - (c.general[i] as number) - (c.priorMean[k] as number);
          const start = mean + (c.general[i] as number) + deviation * scale;
          c.start[i * skills + k] = start;
          c.level[i * skills + k] = start;
        }
        c.priorMean[k] = mean;
        c.priorSd[k] = this.parts.classPrior.sd[k] as number;
      }
    }
  }

  /** The observer's mastery flag (observerParts.ts `MasteryFlags`). */
  mastered(studentId: string, skill: string, confidence: number, lostBelowP: number): boolean {
    return this.parts.flags.update(`${studentId}|${skill}`, () => this.pKnown(studentId, skill), () => this.pCorrectReference(studentId, skill), confidence, lostBelowP);
  }

  /** The posterior mean P(correct) of the student on a reference item (difficulty 0) of `skill`, guess and slip included. */
  pCorrectReference(studentId: string, skill: string): number {
    const k = this.parts.index.skillIndex(skill);
    const c = this.cloudOf(studentId);
    const { guess, slip } = this.world.lp;
    let p = 0;
    for (let i = 0; i < this.n; i++) p += (c.weight[i] as number) * (guess + (1 - guess - slip) * sigmoid(c.level[i * this.skills + k] as number));
    return p;
  }

  /** The prior mean start on `skill` of a student who has not answered on it: with skillPrior 'class' the class's estimate now. */
  classStart(skill: string): number {
    return this.parts.classPrior.mean[this.parts.index.skillIndex(skill)] as number;
  }

  /** P(the student's latent level on `skill` is at or above the mastery line). */
  pKnown(studentId: string, skill: string): number {
    const k = this.parts.index.skillIndex(skill);
    const c = this.cloudOf(studentId);
    let p = 0;
    for (let i = 0; i < this.n; i++) if ((c.level[i * this.skills + k] as number) >= this.world.theta) p += c.weight[i] as number;
    return p;
  }

  /** The posterior mean of the student's latent level on `skill`. */
  meanLevel(studentId: string, skill: string): number {
    const k = this.parts.index.skillIndex(skill);
    const c = this.cloudOf(studentId);
    let m = 0;
    for (let i = 0; i < this.n; i++) m += (c.weight[i] as number) * (c.level[i * this.skills + k] as number);
    return m;
  }
}
