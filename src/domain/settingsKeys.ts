import type { z } from 'zod';

/** The part of a zod schema's internals this module walks (zod 4 keeps them on `_zod.def`). */
type SchemaDef = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType };
const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Looks through defaults, optionals, pipes and (at number keys) arrays to the object schema below. */
function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

/** The keys the object schema at `path` accepts, or [] when there is no object there. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let here = unwrap(schema);
  for (const step of path) {
    const def = defOf(here);
    if (def.type === 'array' && def.element && typeof step === 'number') here = unwrap(def.element);
    else if (def.shape && typeof step === 'string' && def.shape[step]) here = unwrap(def.shape[step]);
    else return [];
  }
  return Object.keys(defOf(here).shape ?? {});
}

/** Levenshtein distance, case-insensitive (a setting typed in another case is the same word). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The candidate closest to `word`, if it is close enough to be a likely misspelling (at most a third of the letters differ). */
export function nearestKey(word: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of candidates) {
    const distance = editDistance(word, key);
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(2, Math.ceil(word.length / 3)) ? best.key : undefined;
}

const dotted = (path: readonly PropertyKey[]) => path.map(String).join('.');

/**
 * One line per problem of a settings file, naming the file, the setting and the fix. An unknown key
 * names the nearest valid key at its place (a misspelt setting is an error, never silently dropped).
 */
export function describeSettingsIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], file: string): string[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [`${file}: setting "${dotted(issue.path)}": ${issue.message}. Fix that value or remove it to use the default.`];
    const valid = keysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const name = dotted([...issue.path, key]);
      const nearest = nearestKey(key, valid);
      const fix = nearest ? `did you mean "${dotted([...issue.path, nearest])}"?` : `valid settings here: ${valid.join(', ') || 'none'}.`;
      return `${file}: unknown setting "${name}": ${fix} Fix: rename or remove it.`;
    });
  });
}
