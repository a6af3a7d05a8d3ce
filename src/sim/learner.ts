import { seededRng } from '../domain/random';
import { sigmoid } from '../domain/learning/mastery';
import { normal } from '../domain/learning/testing/bankGenerator';

/**
 * The latent student of the cohort simulator.
 *
 * Latent truth: each student has an ability a[skill] (logits). P(correct) on an item of true
 * difficulty b is guess + (1 − guess − slip) · sigmoid(a − b). Practice raises a by `learnPerMinute`
 * per minute spent on the skill (so the tier of an item gives no free learning), scaled down when a
 * prerequisite is not yet known latently. Gains above the starting level are forgotten a little each
 * calendar day, less after more practice. A skill is latently mastered when a ≥ masteryTheta; the
 * unit is mastered when all its skills are at once. The station only sees graded answers.
 */
export type LearnerParams = {
  /** SD of a student's general ability. */
  abilitySd: number;
  /** Starting level of the first skill in topological order, and the drop per later skill. */
  startLevel: number;
  dropPerRank: number;
  /** SD of the per-skill deviation from the student's profile. */
  skillSd: number;
  /** Mean logit gain per minute of practice, and the SD of its log across students. */
  learnPerMinute: number;
  learnLogSd: number;
  /** Gain multiplier while a prerequisite is not latently mastered. */
  prerequisitePenalty: number;
  /** Share of the gain above the start level lost per calendar day, and how practice slows it. */
  forgetPerDay: number;
  spacingFactor: number;
  slip: number;
  guess: number;
  /** True difficulty = bank difficulty + N(0, this). */
  itemNoiseSd: number;
  /**
   * Latent mastery: P(correct) on a reference item (b = 0), slip and guess included, of at least
   * this. The same definition as the model's mastery p, so both arms are judged on the product's terms.
   */
  masteryP: number;
};

export const DEFAULT_LEARNER: LearnerParams = {
  abilitySd: 0.9,
  startLevel: 1.6,
  dropPerRank: 0.25,
  skillSd: 0.6,
  learnPerMinute: 0.07,
  learnLogSd: 0.3,
  prerequisitePenalty: 0.3,
  forgetPerDay: 0.02,
  spacingFactor: 0.15,
  slip: 0.08,
  guess: 0.15,
  itemNoiseSd: 0.3,
  masteryP: 0.8,
};

/** The latent ability at which P(correct on a b = 0 item) reaches `masteryP`. */
export function masteryTheta(lp: LearnerParams): number {
  const q = (lp.masteryP - lp.guess) / (1 - lp.guess - lp.slip);
  return Math.log(q / (1 - q));
}

export type Student = {
  id: string;
  learn: number;
  start: Map<string, number>;
  level: Map<string, number>;
  practice: Map<string, number>;
};

export function makeStudents(n: number, order: readonly string[], seed: number | string, lp: LearnerParams): Student[] {
  const rng = seededRng(`${seed}|students`);
  return Array.from({ length: n }, (_, i) => {
    const g = lp.abilitySd * normal(rng);
    const learn = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(rng) + 0.25 * g);
    const start = new Map<string, number>();
    order.forEach((skill, rank) => start.set(skill, lp.startLevel - lp.dropPerRank * rank + g + lp.skillSd * normal(rng)));
    return { id: `s${String(i + 1).padStart(2, '0')}`, learn, start, level: new Map(start), practice: new Map() };
  });
}

/** Forgetting over `gapDays` calendar days: gains above the start level decay, more slowly after more practice. */
export function forget(students: readonly Student[], gapDays: number, lp: LearnerParams): void {
  for (const st of students)
    for (const [k, a] of st.level) {
      const start = st.start.get(k) ?? a;
      if (a <= start) continue;
      const rate = lp.forgetPerDay / (1 + lp.spacingFactor * (st.practice.get(k) ?? 0));
      st.level.set(k, start + (a - start) * Math.pow(1 - rate, gapDays));
    }
}

/** P(correct) of a student on an item of true difficulty b, over the item's skills the student has. */
export function pCorrect(st: Student, itemSkills: readonly string[], trueDifficulty: number, lp: LearnerParams): number {
  const a = itemSkills.reduce((sum, k) => sum + (st.level.get(k) ?? 0), 0) / Math.max(1, itemSkills.length);
  return lp.guess + (1 - lp.guess - lp.slip) * sigmoid(a - trueDifficulty);
}

/** Practice: each skill of the item gains with the minutes spent, less while its prerequisites are not known. */
export function practise(st: Student, itemSkills: readonly string[], minutes: number, lp: LearnerParams, prerequisitesKnown: (st: Student, skill: string) => boolean): void {
  for (const k of itemSkills) {
    const gain = st.learn * minutes * (prerequisitesKnown(st, k) ? 1 : lp.prerequisitePenalty);
    st.level.set(k, Math.min(4, (st.level.get(k) ?? 0) + gain));
    st.practice.set(k, (st.practice.get(k) ?? 0) + 1);
  }
}
