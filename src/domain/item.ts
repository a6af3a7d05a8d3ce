import { z } from 'zod';

export const TIERS = ['basic', 'core', 'stretch'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

export const ITEM_TYPES = ['single_choice', 'multiple_choice', 'true_false', 'numeric', 'short_text', 'open'] as const;
export const ItemType = z.enum(ITEM_TYPES);
export type ItemType = z.infer<typeof ItemType>;

/** Text per language code, e.g. { zh: '…', en: '…' }. At least one language. */
export const LocalizedText = z
  .record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'language code like "zh" or "en"'), z.string().min(1))
  .refine((t) => Object.keys(t).length > 0, 'needs text in at least one language');
export type LocalizedText = z.infer<typeof LocalizedText>;

const ItemId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-" or "." (max 64)');
const OptionKey = z.string().regex(/^[A-H]$/, 'an option letter A–H');

const ItemCommon = {
  id: ItemId,
  subject: z.string().min(1),
  grade: z.number().int().min(1).max(12),
  skills: z.array(z.string().min(1)).min(1, 'at least one knowledge point (skill id)'),
  stem: LocalizedText,
  points: z.number().positive().max(100).default(1),
  minutes: z.number().positive().max(60),
  difficulty: z.number().min(-4).max(4).default(0),
  tier: Tier,
  hint: LocalizedText.optional(),
};

const ChoiceOption = z.object({ key: OptionKey, text: LocalizedText });

export const SingleChoiceItem = z.object({
  ...ItemCommon,
  type: z.literal('single_choice'),
  options: z.array(ChoiceOption).min(2).max(8),
  answer: OptionKey,
});
export const MultipleChoiceItem = z.object({
  ...ItemCommon,
  type: z.literal('multiple_choice'),
  options: z.array(ChoiceOption).min(2).max(8),
  answer: z.array(OptionKey).min(1),
});
export const TrueFalseItem = z.object({
  ...ItemCommon,
  type: z.literal('true_false'),
  answer: z.boolean(),
});
export const NumericItem = z.object({
  ...ItemCommon,
  type: z.literal('numeric'),
  answer: z.number(),
  tolerance: z.number().min(0).default(0),
  /** Digits in the printed grid, not counting sign and decimal point. */
  digits: z.number().int().min(1).max(8),
  /** Digits after the decimal point the grid offers (0 = integers only). */
  decimals: z.number().int().min(0).max(4).default(0),
  signed: z.boolean().default(false),
});
export const ShortTextItem = z.object({
  ...ItemCommon,
  type: z.literal('short_text'),
  /** Accepted answers; compared after trimming and case folding. */
  answer: z.array(z.string().min(1)).min(1),
  /** Comb boxes printed for the answer (one character each). */
  boxes: z.number().int().min(1).max(12),
});
export const OpenItem = z.object({
  ...ItemCommon,
  type: z.literal('open'),
  /** The teacher scores 0..maxScore on paper. */
  maxScore: z.number().int().min(1).max(10),
  rubric: LocalizedText.optional(),
  /** Answer space in millimetres of height. */
  spaceMm: z.number().min(10).max(200).default(40),
});

export const ItemInput = z.discriminatedUnion('type', [
  SingleChoiceItem,
  MultipleChoiceItem,
  TrueFalseItem,
  NumericItem,
  ShortTextItem,
  OpenItem,
]);
/** An item as authored (before versioning). */
export type ItemInput = z.infer<typeof ItemInput>;
/** An item as stored: content plus a version that increases when content changes. */
export type Item = ItemInput & { version: number; contentHash: string };

export const ItemBankFile = z.object({
  format: z.literal('paperloop.items/1'),
  items: z.array(z.unknown()),
});

/** Maximum score of an item (open items are scored 0..maxScore, others by points). */
export function maxPoints(item: ItemInput): number {
  return item.type === 'open' ? item.maxScore : item.points;
}

/** Stable JSON of an item's content, used for change detection. Key order is normalised. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function textIn(text: LocalizedText, lang: string): string {
  return text[lang] ?? text.en ?? text.zh ?? Object.values(text)[0] ?? '';
}
