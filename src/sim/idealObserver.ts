import { sigmoid } from '../domain/learning/mastery';
import { normal } from '../domain/learning/testing/bankGenerator';
import { seededRng, type Rng } from '../domain/random';
import type { LearnerParams } from './learner';

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
export type ObserverWorld = {
  readonly lp: LearnerParams;
  /** Latent ability of mastery. */
  readonly theta: number;
  /** Every skill a student has a level for, in topological order (as makeStudents ranks them). */
  readonly order: readonly string[];
  /** Each skill's prerequisites among `order`. */
  readonly prerequisites: ReadonlyMap<string, readonly string[]>;
  readonly items: ReadonlyMap<string, { readonly skills: readonly string[]; readonly minutes: number; readonly difficulty: number }>;
  readonly trueDifficulty: ReadonlyMap<string, number>;
};

export type ObserverOptions = {
  readonly particles: number;
  readonly jitterSd: number;
  readonly seed: string;
  /** 'true' (default): the observer knows each item's true difficulty; 'bank': only the bank author's, as the station does. */
  readonly difficulty: 'true' | 'bank';
  /** The simulator flags a skill mastered from the observer only after this many answers on it (the station's rule has 3); 0 = from the prior and other skills alone. */
  readonly minObservations: number;
  /** true (default): a flag is lost only below masteryLostBelowP, as the station's; false: recomputed from P(level ≥ the line) each day. */
  readonly hysteresis: boolean;
  /** Learner parameters the observer believes instead of the world's (an ablation: which knowledge of the world matters); its mastery line follows them. */
  readonly assume: Partial<LearnerParams>;
};
export const DEFAULT_OBSERVER_OPTIONS: ObserverOptions = { particles: 400, jitterSd: 0.1, seed: 'observer', difficulty: 'true', minObservations: 0, hysteresis: true, assume: {} };

/** One student's particles: per particle a row of `order.length` skills. */
type Cloud = { level: Float64Array; start: Float64Array; practice: Float64Array; learn: Float64Array; weight: Float64Array };
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

export class IdealObserver {
  private readonly clouds = new Map<string, Cloud>();
  private readonly flags = new Set<string>();
  private readonly index: ReadonlyMap<string, number>;
  private readonly prerequisiteIndex: readonly (readonly number[])[];
  private readonly rng: Rng;
  private readonly n: number;
  private readonly skills: number;
  resamplings = 0;

  constructor(
    private readonly world: ObserverWorld,
    studentIds: readonly string[],
    readonly options: ObserverOptions = DEFAULT_OBSERVER_OPTIONS,
  ) {
    this.index = new Map(world.order.map((k, i) => [k, i]));
    this.prerequisiteIndex = world.order.map((k) => (world.prerequisites.get(k) ?? []).map((p) => this.index.get(p)).filter((i): i is number => i !== undefined));
    this.rng = seededRng(options.seed);
    this.n = options.particles;
    this.skills = world.order.length;
    for (const id of studentIds) this.clouds.set(id, this.priorCloud());
  }

  /** Particles drawn from the prior of makeStudents. */
  private priorCloud(): Cloud {
    const { lp } = this.world;
    const { n, skills } = this;
    const cloud: Cloud = { level: new Float64Array(n * skills), start: new Float64Array(n * skills), practice: new Float64Array(n * skills), learn: new Float64Array(n), weight: new Float64Array(n).fill(1 / n) };
    for (let i = 0; i < n; i++) {
      const g = lp.abilitySd * normal(this.rng);
      cloud.learn[i] = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(this.rng) + 0.25 * g);
      for (let k = 0; k < skills; k++) {
        const a = lp.startLevel - lp.dropPerRank * k + g + lp.skillSd * normal(this.rng);
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

  /** One graded answer: weigh each particle by how likely it made it, then practise the item as learner.ts `practise` does. */
  observe(studentId: string, itemId: string, correct: boolean): void {
    const item = this.world.items.get(itemId);
    if (!item) throw new Error(`IdealObserver: item ${itemId} is not in the world`);
    const { lp, theta } = this.world;
    const c = this.cloudOf(studentId);
    const ks = item.skills.map((k) => this.index.get(k)).filter((i): i is number => i !== undefined);
    const b = this.options.difficulty === 'true' ? (this.world.trueDifficulty.get(itemId) ?? item.difficulty) : item.difficulty;
    const { n, skills } = this;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = i * skills;
      const a = ks.reduce((s, k) => s + (c.level[row + k] as number), 0) / Math.max(1, ks.length);
      const p = lp.guess + (1 - lp.guess - lp.slip) * sigmoid(a - b);
      const w = (c.weight[i] as number) * (correct ? p : 1 - p);
      c.weight[i] = w;
      total += w;
      practiseRow(c, row, c.learn[i] as number, ks, item.minutes, this.prerequisiteIndex, theta, lp.prerequisitePenalty);
    }
    if (!(total > 0)) throw new Error(`IdealObserver: no particle of student ${studentId} explains the answer to ${itemId} (guess and slip must be above 0)`);
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const w = (c.weight[i] as number) / total;
      c.weight[i] = w;
      sumSquares += w * w;
    }
    if (1 / sumSquares < n / 2) this.resample(c);
  }

  /** Systematic resampling, then the jitter that keeps copies apart. */
  private resample(c: Cloud): void {
    this.resamplings++;
    const { n, skills } = this;
    const { jitterSd } = this.options;
    const picks = new Int32Array(n);
    const step = 1 / n;
    let u = this.rng() * step;
    let cumulative = c.weight[0] as number;
    let i = 0;
    for (let m = 0; m < n; m++) {
      while (u > cumulative && i < n - 1) cumulative += c.weight[++i] as number;
      picks[m] = i;
      u += step;
    }
    const level = new Float64Array(n * skills);
    const start = new Float64Array(n * skills);
    const practice = new Float64Array(n * skills);
    const learn = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      const from = (picks[m] as number) * skills;
      for (let k = 0; k < skills; k++) {
        const shift = jitterSd * normal(this.rng);
        level[m * skills + k] = Math.min(4, (c.level[from + k] as number) + shift);
        start[m * skills + k] = (c.start[from + k] as number) + shift;
        practice[m * skills + k] = c.practice[from + k] as number;
      }
      learn[m] = (c.learn[picks[m] as number] as number) * Math.exp((jitterSd / 2) * normal(this.rng));
    }
    c.level = level;
    c.start = start;
    c.practice = practice;
    c.learn = learn;
    c.weight.fill(1 / n);
  }

  /**
   * The observer's mastery flag: on once P(level ≥ the line) ≥ `confidence`; with `hysteresis` (the station's rule)
   * off only when the posterior mean P(correct) on a reference item (difficulty 0) falls below `lostBelowP`.
   */
  mastered(studentId: string, skill: string, confidence: number, lostBelowP: number): boolean {
    const key = `${studentId}|${skill}`;
    const on = this.options.hysteresis && this.flags.has(key) ? this.pCorrectReference(studentId, skill) >= lostBelowP : this.pKnown(studentId, skill) >= confidence;
    if (on) this.flags.add(key);
    else this.flags.delete(key);
    return on;
  }

  /** The posterior mean P(correct) of the student on a reference item (difficulty 0) of `skill`, guess and slip included. */
  pCorrectReference(studentId: string, skill: string): number {
    const k = this.skillIndex(skill);
    const c = this.cloudOf(studentId);
    const { guess, slip } = this.world.lp;
    let p = 0;
    for (let i = 0; i < this.n; i++) p += (c.weight[i] as number) * (guess + (1 - guess - slip) * sigmoid(c.level[i * this.skills + k] as number));
    return p;
  }

  private skillIndex(skill: string): number {
    const k = this.index.get(skill);
    if (k === undefined) throw new Error(`IdealObserver: skill ${skill} is not in the world`);
    return k;
  }

  /** P(the student's latent level on `skill` is at or above the mastery line). */
  pKnown(studentId: string, skill: string): number {
    const k = this.skillIndex(skill);
    const c = this.cloudOf(studentId);
    let p = 0;
    for (let i = 0; i < this.n; i++) if ((c.level[i * this.skills + k] as number) >= this.world.theta) p += c.weight[i] as number;
    return p;
  }

  /** The posterior mean of the student's latent level on `skill`. */
  meanLevel(studentId: string, skill: string): number {
    const k = this.skillIndex(skill);
    const c = this.cloudOf(studentId);
    let m = 0;
    for (let i = 0; i < this.n; i++) m += (c.weight[i] as number) * (c.level[i * this.skills + k] as number);
    return m;
  }
}
