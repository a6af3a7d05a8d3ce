import { canonicalJson, type Item, type ItemInput, type Tier } from '../../item';
import { hashString, seededRng, type Rng } from '../../random';
import type { Skill } from '../../skills';

export type BankGeneratorOptions = {
  readonly seed: number | string;
  /** Items to make, spread evenly over the skills (round-robin). */
  readonly n: number;
  readonly skills: readonly Pick<Skill, 'id' | 'name'>[];
  readonly subject?: string;
  readonly grade?: number;
  /** Bank difficulty (logits) per tier before noise. */
  readonly tierDifficulty?: Readonly<Record<Tier, number>>;
  /** SD of the difficulty noise within a tier. */
  readonly difficultySd?: number;
  /** Minutes per tier (open items take two more). */
  readonly tierMinutes?: Readonly<Record<Tier, number>>;
};

const TIERS: readonly Tier[] = ['basic', 'core', 'stretch'];

/** A standard normal draw (Box–Muller) from a seeded rng. */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A seeded synthetic item bank: `n` valid items (they pass `ItemInput`) across the skills, a third
 * per tier, with choice, true/false, numeric and open items. Same seed, same bank.
 */
export function generateBank(opts: BankGeneratorOptions): Item[] {
  const rng = seededRng(opts.seed);
  const subject = opts.subject ?? 'math';
  const grade = opts.grade ?? 7;
  const tierDifficulty = opts.tierDifficulty ?? { basic: -1, core: 0, stretch: 1 };
  const tierMinutes = opts.tierMinutes ?? { basic: 2, core: 3, stretch: 4 };
  const sd = opts.difficultySd ?? 0.35;
  const out: Item[] = [];
  for (let i = 0; i < opts.n; i++) {
    const skill = opts.skills[i % opts.skills.length] as Pick<Skill, 'id' | 'name'>;
    const k = Math.floor(i / opts.skills.length);
    const tier = TIERS[k % 3] as Tier;
    const difficulty = Math.max(-4, Math.min(4, Math.round((tierDifficulty[tier] + sd * normal(rng)) * 100) / 100));
    const name = { zh: skill.name.zh ?? skill.id, en: skill.name.en ?? skill.id };
    const common = {
      id: `gen-${skill.id}-${k}`.slice(0, 64),
      subject,
      grade,
      skills: [skill.id],
      stem: { zh: `${name.zh} 第 ${k + 1} 题`, en: `${name.en}, question ${k + 1}` },
      points: 1,
      minutes: tierMinutes[tier],
      difficulty,
      tier,
    };
    const roll = rng();
    let input: ItemInput;
    if (roll < 0.5) {
      const keys = ['A', 'B', 'C', 'D'];
      input = {
        ...common,
        type: 'single_choice',
        options: keys.map((key) => ({ key, text: { zh: `选项 ${key}`, en: `option ${key}` } })),
        answer: keys[Math.floor(rng() * 4)] as string,
      };
    } else if (roll < 0.62) {
      input = { ...common, type: 'true_false', answer: rng() < 0.5 };
    } else if (roll < 0.87) {
      input = { ...common, type: 'numeric', answer: Math.round(rng() * 200 - 100), tolerance: 0, digits: 3, decimals: 0, signed: true };
    } else {
      input = { ...common, type: 'open', minutes: common.minutes + 2, maxScore: 1 + Math.floor(rng() * 4), spaceMm: 40 };
    }
    out.push({ ...input, version: 1, contentHash: hashString(canonicalJson(input)).toString(16).padStart(8, '0') });
  }
  return out;
}
