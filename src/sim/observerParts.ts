import { seededRng, type Rng } from '../domain/random';
import type { LearnerParams } from './learner';

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
  /**
   * 'particles' (default): idealObserver.ts, every skill in each particle. 'factored' (factoredObserver.ts): particles over the
   * general level and learning rate only, each skill a Gaussian per particle; it scales to hundreds of skills.
   */
  readonly filter: 'particles' | 'factored';
};
export const DEFAULT_OBSERVER_OPTIONS: ObserverOptions = { filter: 'particles', particles: 400, jitterSd: 0.1, seed: 'observer', difficulty: 'true', minObservations: 0, hysteresis: true, assume: {}, skillPrior: 'world', classPriorPseudoCount: 2, classPriorSd: 1.2, rateAbilityTie: 0.25 };


/** What both observer filters (idealObserver.ts, factoredObserver.ts) read of the world: skills and items by index. */
export class WorldIndex {
  private readonly index: ReadonlyMap<string, number>;
  /** Each skill's prerequisites, as indices into `order`. */
  readonly prerequisiteIndex: readonly (readonly number[])[];

  constructor(
    private readonly world: ObserverWorld,
    private readonly who: string,
  ) {
    this.index = new Map(world.order.map((k, i) => [k, i]));
    this.prerequisiteIndex = world.order.map((k) => (world.prerequisites.get(k) ?? []).map((p) => this.index.get(p)).filter((i): i is number => i !== undefined));
  }

  /** An item's skills as indices into `order`, its difficulty as the observer takes it ('true' or 'bank'), and its minutes. */
  itemOf(itemId: string, difficulty: ObserverOptions['difficulty']): { ks: number[]; b: number; minutes: number } {
    const item = this.world.items.get(itemId);
    if (!item) throw new Error(`${this.who}: item ${itemId} is not in the world`);
    const ks = [...new Set(item.skills.map((k) => this.index.get(k)).filter((i): i is number => i !== undefined))];
    const b = difficulty === 'true' ? (this.world.trueDifficulty.get(itemId) ?? item.difficulty) : item.difficulty;
    return { ks, b, minutes: item.minutes };
  }

  skillIndex(skill: string): number {
    const k = this.index.get(skill);
    if (k === undefined) throw new Error(`${this.who}: skill ${skill} is not in the world`);
    return k;
  }
}

/** The options both filters refuse. */
export function checkObserverOptions(options: ObserverOptions, who: string): void {
  if (!['world', 'class', 'rank'].includes(options.skillPrior)) throw new Error(`${who}: skillPrior ${String(options.skillPrior)} is not one of world, class, rank`);
  if (options.skillPrior !== 'world' && !(options.classPriorPseudoCount > 0)) throw new Error(`${who}: classPriorPseudoCount must be above 0 with skillPrior ${options.skillPrior} (it is ${options.classPriorPseudoCount})`);
}

/**
 * Weights (unnormalised, their sum `total`) made to sum to 1 in place; true when the effective sample size has fallen
 * below half the particles, the point at which both filters resample.
 */
export function normaliseWeights(weight: Float64Array, total: number, who: string, what: string): boolean {
  if (!(total > 0)) throw new Error(`${who}: no particle explains ${what} (guess and slip must be above 0)`);
  let sumSquares = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = (weight[i] as number) / total;
    weight[i] = w;
    sumSquares += w * w;
  }
  return 1 / sumSquares < weight.length / 2;
}

/** Systematic resampling: which particle each new one copies (normalised weights, one draw of `rng`). */
export function systematicPicks(weight: Float64Array, rng: Rng): Int32Array {
  const n = weight.length;
  const picks = new Int32Array(n);
  const step = 1 / n;
  let u = rng() * step;
  let cumulative = weight[0] as number;
  let i = 0;
  for (let m = 0; m < n; m++) {
    while (u > cumulative && i < n - 1) cumulative += weight[++i] as number;
    picks[m] = i;
    u += step;
  }
  return picks;
}

/**
 * The observers' mastery flags: on once P(level ≥ the line) ≥ `confidence`; with `hysteresis` (the station's rule) off
 * only when the posterior mean P(correct) on a reference item (difficulty 0) falls below `lostBelowP`.
 */
export class MasteryFlags {
  private readonly on = new Set<string>();

  constructor(private readonly hysteresis: boolean) {}

  update(key: string, pKnown: () => number, pCorrectReference: () => number, confidence: number, lostBelowP: number): boolean {
    const on = this.hysteresis && this.on.has(key) ? pCorrectReference() >= lostBelowP : pKnown() >= confidence;
    if (on) this.on.add(key);
    else this.on.delete(key);
    return on;
  }
}

/**
 * Where a student who has not answered on a skill starts, about their general level: per skill a mean and an SD. With
 * skillPrior 'world' the learner's own order (`startLevel` dropping by `dropPerRank` a rank) and skillSd; with 'class' or
 * 'rank' `startLevel` until the class's answers move it (`set`), the SD widened by `classPriorSd` while few students
 * answered on the skill.
 */
export class ClassPrior {
  readonly mean: Float64Array;
  readonly sd: Float64Array;

  constructor(
    private readonly world: ObserverWorld,
    private readonly options: ObserverOptions,
  ) {
    const { lp } = world;
    this.mean = Float64Array.from(world.order, (_, k) => (options.skillPrior === 'world' ? lp.startLevel - lp.dropPerRank * k : lp.startLevel));
    this.sd = Float64Array.from(world.order, () => this.sdAfter(0));
  }

  /** Skill k's class mean start, after `students` students answered on it. */
  set(k: number, mean: number, students: number): void {
    this.mean[k] = mean;
    this.sd[k] = this.sdAfter(students);
  }

  private sdAfter(students: number): number {
    const { skillSd } = this.world.lp;
    if (this.options.skillPrior === 'world') return skillSd;
    const { classPriorSd, classPriorPseudoCount: pseudo } = this.options;
    return Math.sqrt(skillSd ** 2 + (classPriorSd ** 2 * pseudo) / (pseudo + students));
  }
}

/** The parts each observer filter is built on, after its options are checked. */
export function observerParts(world: ObserverWorld, options: ObserverOptions, who: string): { index: WorldIndex; flags: MasteryFlags; rng: Rng; classPrior: ClassPrior } {
  checkObserverOptions(options, who);
  return { index: new WorldIndex(world, who), flags: new MasteryFlags(options.hysteresis), rng: seededRng(options.seed), classPrior: new ClassPrior(world, options) };
}

/** One student's evidence on a skill: their posterior mean and variance of start − general level, and the prior it was drawn from. */
export type StartEvidence = { readonly skill: number; readonly mean: number; readonly variance: number; readonly priorMean: number; readonly priorVariance: number };

/**
 * skillPrior 'class' or 'rank': each skill's new class mean start (NaN where it stays) and how many students answered on
 * it. Each answering student's estimate of start − general comes from the answers alone (their posterior with the prior
 * divided out, a Gaussian's likelihood from posterior and prior); 'class' pools them per skill as a random-effects mean
 * (weight 1 / (its variance + skillSd²), with `classPriorPseudoCount` students' worth of weight at `startLevel`), 'rank'
 * fits one line through the pooled skills against their topological rank. Null when 'rank' rests on fewer than 2 skills.
 */
export function classStartsFrom(
  evidence: Iterable<StartEvidence>,
  skills: number,
  lp: Pick<LearnerParams, 'skillSd' | 'startLevel'>,
  options: Pick<ObserverOptions, 'skillPrior' | 'classPriorPseudoCount' | 'classPriorSd'>,
): { means: Float64Array; counts: Float64Array } | null {
  const sums = new Float64Array(skills);
  const counts = new Float64Array(skills);
  const weights = new Float64Array(skills);
  const spread = lp.skillSd ** 2;
  for (const e of evidence) {
    counts[e.skill] = (counts[e.skill] as number) + 1;
    if (e.variance >= 0.95 * e.priorVariance) continue;
    const s2 = 1 / (1 / e.variance - 1 / e.priorVariance);
    const estimate = s2 * (e.mean / e.variance - e.priorMean / e.priorVariance);
    const w = 1 / (s2 + spread);
    sums[e.skill] = (sums[e.skill] as number) + w * estimate;
    weights[e.skill] = (weights[e.skill] as number) + w;
  }
  const means = new Float64Array(skills).fill(Number.NaN);
  if (options.skillPrior === 'rank') {
    const line = rankLine(sums, weights);
    if (line.skills < 2) return null;
    for (let k = 0; k < skills; k++) means[k] = line.intercept + line.slope * k;
  } else {
    const pseudoWeight = options.classPriorPseudoCount / (options.classPriorSd ** 2 + spread);
    for (let k = 0; k < skills; k++) if ((counts[k] as number) > 0) means[k] = ((sums[k] as number) + pseudoWeight * lp.startLevel) / ((weights[k] as number) + pseudoWeight);
  }
  return { means, counts };
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
