/**
 * Shared helpers for the import tests (fuzzing and issue checks). Used by *.test.ts only.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ItemInput, LocalizedText } from '../item';
import { throwIllegalValue, type Result } from '../result';
import { formatIssue, type ImportIssue } from './issues';

/** The fast-check seed of the import properties: FC_SEED replays a run; printed so a failure can be replayed. */
export const FC_SEED = Number(process.env.FC_SEED ?? 20261206);
console.info(`import properties: fast-check seed ${FC_SEED} (set FC_SEED to replay another)`);

/** fast-check settings for these tests: enough runs to find edge cases, quick enough for every commit. */
export const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 300), seed: FC_SEED } as const;

export type IssueExpectations = {
  /** The file names issues may name. */
  files: readonly string[];
  /** Whether every issue must have a line (true for line-based formats). */
  lines: boolean | ((issue: ImportIssue) => boolean);
};

/** Asserts that a result is a Result and, when it failed, that every issue is clean and complete. */
export function expectCleanResult(result: Result<unknown, ImportIssue[]>, expectations: IssueExpectations): void {
  expect(typeof result).toBe('object');
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) return;
  expect(Array.isArray(result.error)).toBe(true);
  expect(result.error.length).toBeGreaterThan(0);
  for (const issue of result.error) expectCleanIssue(issue, expectations);
}

export function expectCleanIssue(issue: ImportIssue, { files, lines }: IssueExpectations): void {
  expect(files).toContain(issue.file);
  expect(typeof issue.message).toBe('string');
  expect(issue.message.trim().length).toBeGreaterThan(0);
  expect(typeof issue.fix).toBe('string');
  expect(issue.fix.trim().length).toBeGreaterThan(0);
  const needsLine = typeof lines === 'function' ? lines(issue) : lines;
  if (needsLine) expect(issue.line, formatIssue(issue)).toBeDefined();
  if (issue.line !== undefined) {
    expect(Number.isInteger(issue.line)).toBe(true);
    expect(issue.line).toBeGreaterThan(0);
  }
  if (issue.column !== undefined) {
    expect(issue.line).toBeDefined();
    expect(Number.isInteger(issue.column)).toBe(true);
    expect(issue.column).toBeGreaterThan(0);
  }
  if (issue.field !== undefined) expect(typeof issue.field).toBe('string');
  const text = formatIssue(issue);
  expect(text.startsWith(issue.file)).toBe(true);
  expect(text).toContain(' — fix: ');
  // quoted user data aside, no programming words may leak into what people read
  expect(text.replace(/"[^"]*"/g, '""')).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]/);
}

/** One edit of a text: the kinds of damage files suffer in the wild. */
export type Mutation = { kind: 'delete' | 'duplicate' | 'flip' | 'insert' | 'deleteRange' | 'swapLines' | 'duplicateLine' | 'deleteLine' | 'truncate' | 'dropColumn'; a: number; b: number; s: string };

const NASTY = ['"', ',', '\n', '\r\n', '\r', '{', '}', '[', ']', ':', '<', '>', '/', '&', '\\', "'", '|', ' ', '\t', '\uFEFF', '\u0000', '中', 'é', '😀', 'x', '0', '-', '.', 'e', 'null', 'true', '=', ';'];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'duplicate', 'flip', 'insert', 'deleteRange', 'swapLines', 'duplicateLine', 'deleteLine', 'truncate', 'dropColumn'),
  a: fc.nat(),
  b: fc.nat(),
  s: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })),
});
export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });

export function mutate(text: string, m: Mutation): string {
  const n = text.length;
  const at = n ? m.a % n : 0;
  const lines = text.split('\n');
  const li = lines.length ? m.a % lines.length : 0;
  const lj = lines.length ? m.b % lines.length : 0;
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'duplicate':
      return text.slice(0, at + 1) + text.slice(at, at + 1) + text.slice(at + 1);
    case 'flip':
      return text.slice(0, at) + m.s + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + m.s + text.slice(at);
    case 'deleteRange':
      return text.slice(0, at) + text.slice(at + 1 + (m.b % 200));
    case 'truncate':
      return text.slice(0, at);
    case 'swapLines': {
      const copy = [...lines];
      [copy[li], copy[lj]] = [copy[lj] ?? '', copy[li] ?? ''];
      return copy.join('\n');
    }
    case 'duplicateLine':
      return [...lines.slice(0, li + 1), lines[li] ?? '', ...lines.slice(li + 1)].join('\n');
    case 'deleteLine':
      return [...lines.slice(0, li), ...lines.slice(li + 1)].join('\n');
    case 'dropColumn':
      // naive on purpose: drops the k-th comma-separated piece of every line, quotes or not
      return lines
        .map((l) => {
          const parts = l.split(',');
          if (parts.length < 2) return l;
          parts.splice(m.b % parts.length, 1);
          return parts.join(',');
        })
        .join('\n');
    default:
      return throwIllegalValue(m.kind, 'mutation');
  }
}

export const applyMutations = (text: string, ms: readonly Mutation[]) => ms.reduce(mutate, text);

// ---- valid items, for round trips ----

const textUnit = fc.constantFrom('a', 'b', 'Z', '1', ' ', ',', '"', '|', '\n', '中', '文', 'é', ';', '?', '=', '+', "'", '😀');
/** Text with no spaces at either end (spreadsheet cells are trimmed). */
export const textArb = fc
  .string({ unit: textUnit, minLength: 1, maxLength: 20 })
  .map((s) => s.trim())
  .filter((s) => s !== '');
const langArb = fc.constantFrom('zh', 'en', 'fr', 'zh-TW');
export const localizedArb: fc.Arbitrary<LocalizedText> = fc.dictionary(langArb, textArb, { minKeys: 1, maxKeys: 3 });
const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);
const skillIdArb = fc.stringMatching(/^[a-z][a-z0-9.]{0,8}$/);
const tenths = (min: number, max: number) => fc.integer({ min, max }).map((n) => n / 10);

const commonArb = fc.record({
  id: idArb,
  subject: fc.stringMatching(/^[a-z]{1,8}$/),
  grade: fc.integer({ min: 1, max: 12 }),
  skills: fc.uniqueArray(skillIdArb, { minLength: 1, maxLength: 3 }),
  stem: localizedArb,
  points: fc.integer({ min: 1, max: 200 }).map((n) => n / 2),
  minutes: tenths(1, 600),
  difficulty: tenths(-40, 40),
  tier: fc.constantFrom('basic' as const, 'core' as const, 'stretch' as const),
  hint: fc.option(localizedArb, { nil: undefined }),
});

const KEYS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const optionsArb = fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(...KEYS.slice(0, n).map((key) => localizedArb.map((text) => ({ key, text })))));

const specificArb = fc.oneof(
  optionsArb.chain((options) => fc.constantFrom(...options.map((o) => o.key)).map((answer) => ({ type: 'single_choice' as const, options, answer }))),
  optionsArb.chain((options) =>
    fc.subarray(options.map((o) => o.key), { minLength: 1 }).map((answer) => ({ type: 'multiple_choice' as const, options, answer })),
  ),
  fc.boolean().map((answer) => ({ type: 'true_false' as const, answer })),
  fc
    .record({ digits: fc.integer({ min: 1, max: 8 }), signed: fc.boolean(), decimalsSeed: fc.nat(), m: fc.nat(), negative: fc.boolean(), tolerance: tenths(0, 10) })
    .map(({ digits, signed, decimalsSeed, m, negative, tolerance }) => {
      const decimals = decimalsSeed % (Math.min(4, digits) + 1);
      const magnitude = m % 10 ** digits;
      const sign = signed && negative && magnitude !== 0 ? -1 : 1;
      return { type: 'numeric' as const, answer: (sign * magnitude) / 10 ** decimals, tolerance, digits, decimals, signed };
    }),
  fc.integer({ min: 1, max: 12 }).chain((boxes) =>
    fc
      .uniqueArray(
        fc
          .string({ unit: fc.constantFrom('a', 'B', '1', '-', ' ', '中', 'x', '='), minLength: 1, maxLength: boxes })
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        { minLength: 1, maxLength: 3 },
      )
      .map((answer) => ({ type: 'short_text' as const, answer, boxes })),
  ),
  fc
    .record({ maxScore: fc.integer({ min: 1, max: 10 }), spaceMm: fc.integer({ min: 10, max: 200 }), rubric: fc.option(localizedArb, { nil: undefined }) })
    .map((o) => ({ type: 'open' as const, ...o })),
);

/** A valid item of any type, with every field written out (no defaults left to fill). */
export const itemArb: fc.Arbitrary<ItemInput> = fc.tuple(commonArb, specificArb).map(([c, s]) => {
  const item: Record<string, unknown> = { ...c, ...s };
  for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k];
  return item as ItemInput;
});

export const itemsArb = fc.uniqueArray(itemArb, { minLength: 1, maxLength: 6, selector: (i) => i.id });
