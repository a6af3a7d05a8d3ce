import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineColumnAt } from './issues';
import { jsonValue, MAX_JSON_DEPTH, parseJsonNodes } from './json';
import { applyMutations, mutationsArb, RUNS } from './testSupport';

function agreesWithJsonParse(text: string): void {
  let expected: { ok: true; value: unknown } | { ok: false };
  try {
    expected = { ok: true, value: JSON.parse(text) };
  } catch {
    expected = { ok: false };
  }
  const r = parseJsonNodes(text);
  expect(r.ok, text).toBe(expected.ok);
  if (r.ok && expected.ok) expect(jsonValue(r.value)).toEqual(expected.value);
  if (!r.ok) {
    expect(r.error.offset).toBeGreaterThanOrEqual(0);
    expect(r.error.offset).toBeLessThanOrEqual(text.length);
    expect(r.error.message.length).toBeGreaterThan(0);
    expect(r.error.fix.length).toBeGreaterThan(0);
  }
}

describe('parseJsonNodes', () => {
  it('keeps where every value starts', () => {
    const text = '{\n  "items": [\n    {"a": 1},\n    [2, 3]\n  ]\n}';
    const r = parseJsonNodes(text);
    expect(r.ok).toBe(true);
    if (!r.ok || r.value.kind !== 'object') return;
    const items = r.value.entries[0]?.value;
    expect(items?.kind).toBe('array');
    if (items?.kind !== 'array') return;
    expect(items.items.map((n) => lineColumnAt(text, n.start))).toEqual([
      { line: 3, column: 5 },
      { line: 4, column: 5 },
    ]);
  });

  it.each([
    ['{"a": 1,}', 1, 9, /trailing commas/],
    ['{"a": 1\n "b": 2}', 2, 2, /comma is missing/],
    ["{'a': 1}", 1, 2, /double quotes/],
    ['{"a": tru}', 1, 7, /unexpected word/],
    ['{"a": True}', 1, 7, /lower case/],
    ['[1, 2', 1, 6, /ends inside a list/],
    ['{"a": "x\ny"}', 1, 9, /line break inside a string/],
    ['{"a": 01}', 1, 7, /not written correctly/],
    ['// c\n{}', 1, 1, /comments/],
    ['{} x', 1, 4, /after the end/],
    ['', 1, 1, /ends where a value was expected/],
    ['{"a": "\\q"}', 1, 8, /not a valid escape/],
  ])('explains %j at line %i column %i', (text, line, column, message) => {
    const r = parseJsonNodes(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(lineColumnAt(text, r.error.offset)).toEqual({ line, column });
    expect(`${r.error.message} ${r.error.fix}`).toMatch(message);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    const r = parseJsonNodes(deep);
    expect(r.ok).toBe(false);
    const veryDeep = '['.repeat(200_000);
    expect(parseJsonNodes(veryDeep).ok).toBe(false);
  });

  it('accepts exactly what JSON.parse accepts, with the same values (random JSON)', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), agreesWithJsonParse), RUNS);
  });

  it('accepts exactly what JSON.parse accepts (random text)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', '-', '.', 'e', ' ', '\\', 'u', 'n', 't', 'true', 'null') })), agreesWithJsonParse), RUNS);
  });

  it('accepts exactly what JSON.parse accepts (damaged JSON)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), mutationsArb, (json, ms) => agreesWithJsonParse(applyMutations(JSON.stringify(JSON.parse(json), null, 2), ms))),
      RUNS,
    );
  });
});
