import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemInput } from '../item';
import { formatIssue } from './issues';
import { parseItemsJson } from './itemsJson';
import { applyMutations, expectCleanResult, itemsArb, mutationsArb, RUNS } from './testSupport';

const F = 'items.json';
const base = { subject: 'math', grade: 3, skills: ['g3.add'], tier: 'core', minutes: 1 };
const choice = (id: string, extra: object = {}) => ({
  id,
  type: 'single_choice',
  ...base,
  stem: { zh: '3 + 4 = ?', en: '3 + 4 = ?' },
  options: [
    { key: 'A', text: { zh: '6' } },
    { key: 'B', text: { zh: '7' } },
    { key: 'C', text: { zh: '8' } },
    { key: 'D', text: { zh: '9' } },
  ],
  answer: 'B',
  ...extra,
});
const file = (items: unknown[]) => JSON.stringify({ format: 'paperloop.items/1', items }, null, 2);
const issuesOf = (text: string) => {
  const r = parseItemsJson(text, F);
  if (r.ok) throw new Error('expected issues');
  return r.error;
};
/** Line where items[index] starts in text written by `file` (two-space indent). */
const lineOfItem = (text: string, index: number) => {
  const lines = text.split('\n');
  let seen = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i] === '    {' || /^ {4}[^ }\]]/.test(lines[i] ?? '')) if (++seen === index) return i + 1;
  return -1;
};

describe('parseItemsJson', () => {
  it('reads a valid item bank and fills defaults', () => {
    const r = parseItemsJson(file([choice('a1'), { id: 'a2', type: 'true_false', ...base, stem: { en: '2 + 2 = 4' }, answer: true }]), F);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((i) => i.id)).toEqual(['a1', 'a2']);
    expect(r.value[0]).toMatchObject({ points: 1, difficulty: 0 });
  });

  it('accepts a BOM and CRLF line ends', () => {
    expect(parseItemsJson('\uFEFF' + file([choice('a1')]).replace(/\n/g, '\r\n'), F).ok).toBe(true);
  });

  it('gives syntax errors with line and column', () => {
    const text = file([choice('a1')]).replace('"answer": "B"', '"answer": "B",');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ file: F, line: text.split('\n').findIndex((l) => l.includes('"answer": "B",')) + 2 });
    expect(issue?.column).toBeGreaterThan(0);
    expect(issue?.fix).toMatch(/comma/);
  });

  it('gives the line where each bad item starts, and the field path', () => {
    const items = [
      choice('ok1'),
      choice('bad1', { answer: 'E' }),
      choice('ok2'),
      { ...choice('bad2'), grade: '3' },
      { id: 'bad3', type: 'numeric', ...base, stem: { en: 'x' }, answer: 123, digits: 2 },
    ];
    const text = file(items);
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [lineOfItem(text, 1), 'items[1].answer'],
      [lineOfItem(text, 3), 'items[3].grade'],
      [lineOfItem(text, 4), 'items[4].answer'],
    ]);
    expect(formatIssue(issues[0] as never)).toBe(`items.json:${lineOfItem(text, 1)}: field "items[1].answer": "E" is not an option of this item — fix: use one of A, B, C, D`);
  });

  it('finds item starts in compact JSON too', () => {
    const text = `{"format":"paperloop.items/1","items":[\n${JSON.stringify(choice('a'))},${JSON.stringify(choice('b', { answer: 'Z' }))}]}`;
    expect(issuesOf(text)).toEqual([expect.objectContaining({ line: 2, field: 'items[1].answer' })]);
  });

  it('checks more than the schema: option keys, answers, digit grids, boxes, unknown fields, repeated ids and names', () => {
    const text = file([
      choice('c1', { options: [{ key: 'A', text: { en: '1' } }, { key: 'A', text: { en: '2' } }], answer: 'A' }),
      { id: 'm1', type: 'multiple_choice', ...base, stem: { en: 'x' }, options: [{ key: 'A', text: { en: '1' } }, { key: 'B', text: { en: '2' } }], answer: ['A', 'C'] },
      { id: 'n1', type: 'numeric', ...base, stem: { en: 'x' }, answer: -1.25, digits: 3, decimals: 1 },
      { id: 'n2', type: 'numeric', ...base, stem: { en: 'x' }, answer: 1, digits: 2, decimals: 3 },
      { id: 's1', type: 'short_text', ...base, stem: { en: 'x' }, answer: ['Paris', 'Lutetia'], boxes: 5 },
      { ...choice('u1'), hnit: { en: 'typo' } },
      choice('c1'),
    ]);
    const messages = issuesOf(text).map((i) => `${i.field}: ${i.message}`);
    expect(messages).toEqual([
      'items[0].options[1].key: option key "A" is used twice',
      'items[1].answer[1]: "C" is not an option of this item',
      'items[2].answer: -1.25 is negative but the grid has no sign',
      'items[2].answer: -1.25 has 2 decimal places but the grid offers 1',
      'items[3].decimals: the grid offers 3 decimal places but has only 2 digits in all',
      'items[4].answer[1]: "Lutetia" has 7 characters but there are only 5 boxes',
      expect.stringMatching(/^items\[5\]\.hnit: is not a field of a single_choice item/),
      expect.stringMatching(/^items\[6\]\.id: "c1" is already used by the item on line \d+/),
    ]);
    const repeated = issuesOf('{"format":"paperloop.items/1","items":[],"items":[]}');
    expect(repeated[0]?.message).toMatch(/appears twice/);
  });

  it('explains a wrong envelope', () => {
    expect(issuesOf('[]')[0]?.fix).toMatch(/wrap the list/);
    expect(issuesOf('{"items":[]}')[0]).toMatchObject({ field: 'format', line: 1 });
    expect(issuesOf('{"format":"paperloop.items/2","items":[]}')[0]?.message).toMatch(/version/);
    expect(issuesOf('{"format":"paperloop.skills/1","skills":[]}').map((i) => i.field)).toEqual(['format', 'items']);
    expect(issuesOf('{"format":"paperloop.items/1","items":{}}')[0]?.message).toMatch(/must be a list/);
  });

  it('reads back every valid item it is given (property)', () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        const r = parseItemsJson(file(items), F);
        if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
        expect(r.value).toEqual(items.map((i) => ItemInput.parse(i)));
      }),
      RUNS,
    );
  });

  it('never throws on random text, and every issue has file, line, message and fix', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (text) => {
        expectCleanResult(parseItemsJson(text, F), { files: [F], lines: true });
      }),
      RUNS,
    );
  });

  it('never throws on random JSON values in the items list', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('single_choice', 'numeric', 'open', 'short_text'), id: fc.string(), answer: fc.jsonValue() }))), (items) => {
        const r = parseItemsJson(file(items), F);
        expectCleanResult(r, { files: [F], lines: true });
      }),
      RUNS,
    );
  });

  it('never throws on damaged item files (deleted, duplicated, flipped characters, swapped lines …)', () => {
    fc.assert(
      fc.property(itemsArb, mutationsArb, (items, ms) => {
        const r = parseItemsJson(applyMutations(file(items), ms), F);
        expectCleanResult(r, { files: [F], lines: true });
        if (r.ok) for (const item of r.value) expect(ItemInput.safeParse(item).success).toBe(true);
      }),
      RUNS,
    );
  });
});
