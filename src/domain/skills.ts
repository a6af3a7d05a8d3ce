import { z } from 'zod';
import { err, ok, type Result } from './result';

export const Skill = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  subject: z.string().min(1),
  grade: z.number().int().min(1).max(12),
  name: z.record(z.string(), z.string().min(1)),
  prerequisites: z.array(z.string()).default([]),
});
export type Skill = z.infer<typeof Skill>;

export const SkillGraphFile = z.object({
  format: z.literal('paperloop.skills/1'),
  skills: z.array(z.unknown()),
});

export type SkillGraphError =
  | { kind: 'cycle'; cycle: string[] }
  | { kind: 'unknown_prerequisite'; skill: string; prerequisite: string }
  | { kind: 'duplicate_skill'; skill: string };

/** Checks a skill graph: unique ids, known prerequisites, no cycles. Returns every problem found. */
export function validateSkillGraph(skills: readonly Skill[], knownIds: ReadonlySet<string> = new Set()): Result<Skill[], SkillGraphError[]> {
  const errors: SkillGraphError[] = [];
  const byId = new Map<string, Skill>();
  for (const s of skills) {
    if (byId.has(s.id)) errors.push({ kind: 'duplicate_skill', skill: s.id });
    byId.set(s.id, s);
  }
  for (const s of skills)
    for (const p of s.prerequisites)
      if (!byId.has(p) && !knownIds.has(p)) errors.push({ kind: 'unknown_prerequisite', skill: s.id, prerequisite: p });
  const cycle = findCycle(byId);
  if (cycle) errors.push({ kind: 'cycle', cycle });
  return errors.length ? err(errors) : ok([...skills]);
}

/** Returns one cycle as a path that starts and ends with the same skill id, or null. */
export function findCycle(byId: ReadonlyMap<string, Pick<Skill, 'id' | 'prerequisites'>>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    const s = state.get(id);
    if (s === 'done') return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const p of byId.get(id)?.prerequisites ?? []) {
      if (!byId.has(p)) continue;
      const c = visit(p);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of [...byId.keys()].sort()) {
    const c = visit(id);
    if (c) return c;
  }
  return null;
}

/** Skills in an order where every prerequisite comes before the skills that need it. */
export function topologicalOrder(skills: readonly Pick<Skill, 'id' | 'prerequisites'>[]): string[] {
  const byId = new Map(skills.map((s) => [s.id, s]));
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const p of byId.get(id)?.prerequisites ?? []) if (byId.has(p)) visit(p);
    out.push(id);
  };
  for (const s of [...skills].sort((a, b) => a.id.localeCompare(b.id))) visit(s.id);
  return out;
}
