import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemInput } from '../item';
import { formatIssue } from './issues';
import { formatItemsCsv, parseItemsCsv } from './itemsCsv';
import { applyMutations, expectCleanResult, itemsArb, mutationsArb, RUNS } from './testSupport';

const F = 'items.csv';
const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');
const HEADER = 'id,type,subject,grade,skills,tier,minutes,stem_zh,stem_en,option_A_zh,option_B_zh,option_C_zh,answer,digits,boxes,max_score';
const issuesOf = (text: string) => {
  const r = parseItemsCsv(text, F);
  if (r.ok) throw new Error('expected issues');
  return r.error;
};

describe('parseItemsCsv', () => {
  it('reads one item per row, lists with |, and a language per stem_xx / option_K_xx column', () => {
    const text = [
      HEADER,
      'c1,single_choice,math,3,g3.add|g3.num,core,1,"三加四等于几？",What is 3 + 4?,6,7,8,b,,,',
      'n1,numeric,math,3,g3.add,basic,1.5,12 + 30 = ?,,,,,42,2,,',
      's1,short_text,geo,5,capitals,core,2,法国的首都？,Capital of France?,,,,Paris|paris,,6,',
      'o1,OPEN,math,3,g3.add,stretch,5,说明理由,Explain,,,,,,,3',
    ].join('\n');
    const r = parseItemsCsv(text, F);
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    expect(r.value).toEqual([
      expect.objectContaining({ id: 'c1', type: 'single_choice', skills: ['g3.add', 'g3.num'], stem: { zh: '三加四等于几？', en: 'What is 3 + 4?' }, answer: 'B', options: [{ key: 'A', text: { zh: '6' } }, { key: 'B', text: { zh: '7' } }, { key: 'C', text: { zh: '8' } }] }),
      expect.objectContaining({ id: 'n1', type: 'numeric', answer: 42, digits: 2, decimals: 0, signed: false, tolerance: 0, minutes: 1.5 }),
      expect.objectContaining({ id: 's1', type: 'short_text', answer: ['Paris', 'paris'], boxes: 6 }),
      expect.objectContaining({ id: 'o1', type: 'open', maxScore: 3, spaceMm: 40 }),
    ]);
  });

  it('lists all 10 broken rows of fixtures/bad/items-10-broken.csv, each with its line and column', () => {
    const r = parseItemsCsv(fixture('bad/items-10-broken.csv'), 'items-10-broken.csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => [i.line, i.field])).toEqual([
      [3, 'answer'], // "E" is not an option
      [7, 'grade'], // "seven" (the row before spans lines 4–6)
      [8, 'type'], // essay
      [9, 'tier'], // hard
      [10, 'answer'], // 123 does not fit 2 digits
      [11, 'answer'], // photosynthesis does not fit 5 boxes
      [13, 'answer'], // maybe is not true or false (line 12 has quoted quotes and is fine)
      [14, 'skills'], // empty
      [15, 'id'], // repeats line 2
      [16, 'digits'], // a single choice item does not use digits
    ]);
    expect(formatIssue(r.error[0] as never)).toBe('items-10-broken.csv:3: column "answer": "E" is not an option of this item — fix: use one of A, B, C, D');
    for (const i of r.error) expect(i.fix.length).toBeGreaterThan(0);
  });

  it('reports header problems once instead of once per row', () => {
    const issues = issuesOf('id,type,subjct,grade,skills,tier,stem_zh\n1,true_false,m,3,s,core,x\n2,true_false,m,3,s,core,x\n');
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [1, 'subjct'],
      [1, 'subject'],
      [1, 'minutes'],
    ]);
    expect(issuesOf('id,type,subject,grade,skills,tier,minutes\n')[0]).toMatchObject({ field: 'stem_xx' });
    expect(issuesOf('')[0]).toMatchObject({ line: 1, message: expect.stringMatching(/empty/) });
  });

  it('explains bad cells: decimal commas, gaps in options, options on the wrong type', () => {
    const text = [
      HEADER,
      'a,numeric,math,3,s,core,"1,5",x,,,,,1,1,,',
      'b,single_choice,math,3,s,core,1,x,,1,,3,A,,,',
      'c,true_false,math,3,s,core,1,x,,1,,,true,,,',
    ].join('\n');
    expect(issuesOf(text).map((i) => `${i.line} ${i.field}: ${i.message} / ${i.fix}`)).toEqual([
      '2 minutes: "1,5" uses a decimal comma / write it with a decimal point: 1.5',
      expect.stringMatching(/^3 option_C_\*: option C has text but option B is empty/),
      expect.stringMatching(/^4 option_A_zh: has a value, but true_false items do not use this column/),
    ]);
  });

  it('writes items that it reads back unchanged (property)', () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        const r = parseItemsCsv(formatItemsCsv(items), F);
        if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
        expect(r.value).toEqual(items.map((i) => ItemInput.parse(i)));
      }),
      RUNS,
    );
  });

  it('never throws on random text, and every issue has file, line, message and fix', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `${HEADER}\n${s}`)), (text) => {
        expectCleanResult(parseItemsCsv(text, F), { files: [F], lines: true });
      }),
      RUNS,
    );
  });

  it('never throws on damaged item CSVs (dropped columns, swapped lines, flipped characters …)', () => {
    fc.assert(
      fc.property(itemsArb, mutationsArb, (items, ms) => {
        const r = parseItemsCsv(applyMutations(formatItemsCsv(items), ms), F);
        expectCleanResult(r, { files: [F], lines: true });
        if (r.ok) for (const item of r.value) expect(ItemInput.safeParse(item).success).toBe(true);
      }),
      RUNS,
    );
  });

  it('never throws on damaged copies of the 10-broken-rows fixture', () => {
    const text = fixture('bad/items-10-broken.csv');
    fc.assert(fc.property(mutationsArb, (ms) => expectCleanResult(parseItemsCsv(applyMutations(text, ms), F), { files: [F], lines: true })), RUNS);
  });
});
