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
  /**
   * Where a student starts on each skill, a priori. 'world' (default): the learner's own structure, a start level that
   * drops by `dropPerRank` along the topological order. 'class': no order; every skill starts at one class mean per
   * skill, `startLevel` until students answer on it, then moved after each day's answers to where the answering students'
   * posteriors put it (`updateClassPriors`), as the station's Elo model learns a skill's class start. 'rank': the same
   * per-skill estimates, then a straight line through them against the skill's place in the topological order
   * (weighted by their pooled precision), so two numbers are learned from the class instead of one per skill. The
   * line's level trades off against the students' general levels (only their N(0, abilitySd) prior separates the two).
   */
  readonly skillPrior: 'world' | 'class' | 'rank';
  /** With skillPrior 'class' or 'rank': students' worth of weight at `startLevel` in each skill's estimate ('class'), and in the prior's widening. */
  readonly classPriorPseudoCount: number;
  /** With skillPrior 'class' or 'rank': the SD of a skill's class mean about `startLevel` before any student answered on it. */
  readonly classPriorSd: number;
  /** How the believed learning rate rises with the general level g: × exp(rateAbilityTie · g); 0.25 is the simulator's own (learner.ts `makeStudents`). */
  readonly rateAbilityTie: number;
};
export const DEFAULT_OBSERVER_OPTIONS: ObserverOptions = { particles: 400, jitterSd: 0.1, seed: 'observer', difficulty: 'true', minObservations: 0, hysteresis: true, assume: {}, skillPrior: 'world', classPriorPseudoCount: 2, classPriorSd: 1.2, rateAbilityTie: 0.25 };

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

export class IdealObserver {
  private readonly clouds = new Map<string, Cloud>();
  private readonly flags = new Set<string>();
  private readonly index: ReadonlyMap<string, number>;
  private readonly prerequisiteIndex: readonly (readonly number[])[];
  private readonly rng: Rng;
  private readonly n: number;
  private readonly skills: number;
  /** Each skill's prior mean start (about the general level) and SD for a student who has not answered on it yet. */
  private readonly classMean: Float64Array;
  private readonly classSd: Float64Array;
  resamplings = 0;

  constructor(
    private readonly world: ObserverWorld,
    studentIds: readonly string[],
    readonly options: ObserverOptions = DEFAULT_OBSERVER_OPTIONS,
  ) {
    this.index = new Map(world.order.map((k, i) => [k, i]));
    this.prerequisiteIndex = world.order.map((k) => (world.prerequisites.get(k) ?? []).map((p) => this.index.get(p)).filter((i): i is number => i !== undefined));
    if (!['world', 'class', 'rank'].includes(options.skillPrior)) throw new Error(`IdealObserver: skillPrior ${String(options.skillPrior)} is not one of world, class, rank`);
    if (options.skillPrior !== 'world' && !(options.classPriorPseudoCount > 0)) throw new Error(`IdealObserver: classPriorPseudoCount must be above 0 with skillPrior ${options.skillPrior} (it is ${options.classPriorPseudoCount})`);
    this.rng = seededRng(options.seed);
    this.n = options.particles;
    this.skills = world.order.length;
    this.classMean = Float64Array.from(world.order, (_, k) => (options.skillPrior === 'world' ? world.lp.startLevel - world.lp.dropPerRank * k : world.lp.startLevel));
    this.classSd = Float64Array.from(world.order, () => this.priorSd(0));
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
      priorMean: Float64Array.from(this.classMean),
      priorSd: Float64Array.from(this.classSd),
    };
    for (let i = 0; i < n; i++) {
      const g = lp.abilitySd * normal(this.rng);
      cloud.general[i] = g;
      cloud.learn[i] = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(this.rng) + this.options.rateAbilityTie * g);
      for (let k = 0; k < skills; k++) {
        const a = (this.classMean[k] as number) + g + (this.classSd[k] as number) * normal(this.rng);
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
    const { ks, b } = this.itemOf(itemId);
    const c = this.cloudOf(studentId);
    let p = 0;
    for (let i = 0; i < this.n; i++) p += (c.weight[i] as number) * this.particleP(c, i * this.skills, ks, b);
    return p;
  }

  /** An item's skills as indices into `order`, its difficulty as the observer takes it ('true' or 'bank'), and its minutes. */
  private itemOf(itemId: string): { ks: number[]; b: number; minutes: number } {
    const item = this.world.items.get(itemId);
    if (!item) throw new Error(`IdealObserver: item ${itemId} is not in the world`);
    const ks = item.skills.map((k) => this.index.get(k)).filter((i): i is number => i !== undefined);
    const b = this.options.difficulty === 'true' ? (this.world.trueDifficulty.get(itemId) ?? item.difficulty) : item.difficulty;
    return { ks, b, minutes: item.minutes };
  }

  /** P(correct) of the particle whose row starts at `row` on an item of skills `ks` and difficulty `b`: the mean of its levels on them. */
  private particleP(c: Cloud, row: number, ks: readonly number[], b: number): number {
    const { lp } = this.world;
    const a = ks.reduce((sum, k) => sum + (c.level[row + k] as number), 0) / Math.max(1, ks.length);
    return lp.guess + (1 - lp.guess - lp.slip) * sigmoid(a - b);
  }

  /** One graded answer: weigh each particle by how likely it made it, then practise the item as learner.ts `practise` does. */
  observe(studentId: string, itemId: string, correct: boolean): void {
    const { ks, b, minutes } = this.itemOf(itemId);
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
      practiseRow(c, row, c.learn[i] as number, ks, minutes, this.prerequisiteIndex, theta, lp.prerequisitePenalty);
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
    const general = new Float64Array(n);
    for (let m = 0; m < n; m++) {
      general[m] = c.general[picks[m] as number] as number;
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
    const { classPriorPseudoCount: pseudo } = this.options;
    const { startLevel } = this.world.lp;
    // Per skill, each answering student's evidence on start − general with their prior divided out (a Gaussian's
    // likelihood from posterior and prior), pooled as a random-effects mean: weight 1 / (its variance + skillSd²).
    const sums = new Float64Array(skills);
    const counts = new Float64Array(skills);
    const weights = new Float64Array(skills);
    const spread = this.world.lp.skillSd ** 2;
    for (const c of this.clouds.values())
      for (let k = 0; k < skills; k++) {
        if (!c.answered[k]) continue;
        counts[k] = (counts[k] as number) + 1;
        let m = 0;
        let mm = 0;
        for (let i = 0; i < n; i++) {
          const d = (c.start[i * skills + k] as number) - (c.general[i] as number);
          m += (c.weight[i] as number) * d;
          mm += (c.weight[i] as number) * d * d;
        }
        const v = Math.max(mm - m * m, 1e-6);
        const v0 = (c.priorSd[k] as number) ** 2;
        if (v >= 0.95 * v0) continue;
        const s2 = 1 / (1 / v - 1 / v0);
        const estimate = s2 * (m / v - (c.priorMean[k] as number) / v0);
        const w = 1 / (s2 + spread);
        sums[k] = (sums[k] as number) + w * estimate;
        weights[k] = (weights[k] as number) + w;
      }
    const line = this.options.skillPrior === 'rank' ? rankLine(sums, weights) : null;
    for (let k = 0; k < skills; k++) {
      const count = counts[k] as number;
      if (line) {
        if (line.skills < 2) return;
        this.classMean[k] = line.intercept + line.slope * k;
      } else {
        if (count === 0) continue;
        const pseudoWeight = pseudo / (this.options.classPriorSd ** 2 + spread);
        this.classMean[k] = ((sums[k] as number) + pseudoWeight * startLevel) / ((weights[k] as number) + pseudoWeight);
      }
      this.classSd[k] = this.priorSd(count);
      for (const c of this.clouds.values()) {
        if (c.answered[k]) continue;
        const scale = (this.classSd[k] as number) / (c.priorSd[k] as number);
        for (let i = 0; i < n; i++) {
          const deviation = (c.start[i * skills + k] as number) - (c.general[i] as number) - (c.priorMean[k] as number);
          const start = (this.classMean[k] as number) + (c.general[i] as number) + deviation * scale;
          c.start[i * skills + k] = start;
          c.level[i * skills + k] = start;
        }
        c.priorMean[k] = this.classMean[k] as number;
        c.priorSd[k] = this.classSd[k] as number;
      }
    }
  }

  /** The SD of a skill's start about the class mean plus the student's general level: the skill's own spread and, with skillPrior 'class', the class mean's uncertainty after `students` students answered on it. */
  private priorSd(students: number): number {
    const { skillSd } = this.world.lp;
    if (this.options.skillPrior === 'world') return skillSd;
    const { classPriorSd, classPriorPseudoCount: pseudo } = this.options;
    return Math.sqrt(skillSd ** 2 + (classPriorSd ** 2 * pseudo) / (pseudo + students));
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

  /** The prior mean start on `skill` of a student who has not answered on it: with skillPrior 'class' the class's estimate now. */
  classStart(skill: string): number {
    return this.classMean[this.skillIndex(skill)] as number;
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

/** Weighted least squares of the per-skill pooled starts (sums / weights) on the skill's index: the line, and how many skills it rests on. */
function rankLine(sums: Float64Array, weights: Float64Array): { intercept: number; slope: number; skills: number } {
  let w = 0, wx = 0, wy = 0, wxx = 0, wxy = 0, skills = 0;
  weights.forEach((count, k) => {
    if (count === 0) return;
    const y = (sums[k] as number) / count;
    skills++;
    w += count;
    wx += count * k;
    wy += count * y;
    wxx += count * k * k;
    wxy += count * k * y;
  });
  const variance = wxx / w - (wx / w) ** 2;
  if (skills < 2 || !(variance > 0)) return { intercept: wy / Math.max(w, 1), slope: 0, skills };
  const slope = (wxy / w - (wx / w) * (wy / w)) / variance;
  return { intercept: wy / w - slope * (wx / w), slope, skills };
}
