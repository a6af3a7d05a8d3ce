import type { ItemInput, Tier } from '../item';

/** An item as the learning loop sees it: authored content, with its stored version when there is one. */
export type BankItem = ItemInput & { readonly version?: number };

/** A bank indexed for selection: by id, and by skill then tier (items of several skills sit under each). */
export type BankIndex = {
  readonly byId: ReadonlyMap<string, BankItem>;
  readonly bySkillTier: ReadonlyMap<string, ReadonlyMap<Tier, readonly BankItem[]>>;
};

/** Indexes a bank; with `subject`, only that subject's items. Items keep their input order. */
export function indexBank(items: readonly BankItem[], subject?: string): BankIndex {
  const byId = new Map<string, BankItem>();
  const bySkillTier = new Map<string, Map<Tier, BankItem[]>>();
  for (const item of items) {
    if (subject !== undefined && item.subject !== subject) continue;
    byId.set(item.id, item);
    for (const skill of item.skills) {
      let tiers = bySkillTier.get(skill);
      if (!tiers) bySkillTier.set(skill, (tiers = new Map()));
      let list = tiers.get(item.tier);
      if (!list) tiers.set(item.tier, (list = []));
      list.push(item);
    }
  }
  return { byId, bySkillTier };
}

export function itemsFor(bank: BankIndex, skill: string, tier: Tier): readonly BankItem[] {
  return bank.bySkillTier.get(skill)?.get(tier) ?? [];
}
