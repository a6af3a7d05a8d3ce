import { describe, expect, it } from 'vitest';
import { checkResolvedAnswer } from './answerFormat';
import type { ItemInput } from './item';

const common = { subject: 'math', grade: 7, skills: ['s'], tier: 'core' as const, minutes: 1, points: 1, difficulty: 0, stem: { en: 'Q' } };
const options = ['A', 'B', 'C', 'D'].map((key) => ({ key, text: { en: key } }));
const items: Record<string, ItemInput> = {
  single: { ...common, id: 'sc', type: 'single_choice', options, answer: 'B' },
  multiple: { ...common, id: 'mc', type: 'multiple_choice', options, answer: ['A', 'C'] },
  trueFalse: { ...common, id: 'tf', type: 'true_false', answer: true },
  numeric: { ...common, id: 'nu', type: 'numeric', answer: -2.5, tolerance: 0, digits: 3, decimals: 1, signed: true },
  unsigned: { ...common, id: 'nu2', type: 'numeric', answer: 12, tolerance: 0, digits: 2, decimals: 0, signed: false },
  digitComb: { ...common, id: 'dc', type: 'short_text', answer: ['-9'], boxes: 3 },
  textComb: { ...common, id: 'tc', type: 'short_text', answer: ['-2x-6'], boxes: 5 },
  open: { ...common, id: 'op', type: 'open', maxScore: 4, spaceMm: 40 },
};
const check = (name: string, raw: string | null) => checkResolvedAnswer(items[name]!, raw);

describe('checkResolvedAnswer', () => {
  it.each([
    ['single', 'b', 'B'], ['single', ' D ', 'D'], ['multiple', 'c, a', 'A,C'], ['multiple', 'A C', 'A,C'], ['trueFalse', 'true', 'T'], ['trueFalse', 'f', 'F'],
    ['numeric', '-2.5', '-2.5'], ['numeric', '12', '12'], ['unsigned', '07', '07'], ['digitComb', '-9', '-9'], ['textComb', '-2x-6', '-2x-6'], ['textComb', 'x²', 'x²'],
    ['open', '3', '3'], ['single', '', null], ['numeric', null, null],
  ] as const)('accepts %s %j as %j', (name, raw, expected) => expect(check(name, raw)).toEqual({ ok: true, value: expected }));

  it.each([
    ['single', 'E', /not an option.*/, /A, B, C, D/], ['single', '$(reboot)', /not an option/, /A, B, C, D/], ['multiple', 'A,Z', /not a set/, /A,B/],
    ['trueFalse', 'maybe', /not true or false/, /T .*F/], ['numeric', '1e3', /not a number/, /sign, 3 digits/], ['numeric', '-2.55', /2 decimals/, /1 after the point/],
    ['numeric', '1234', /more digits/, /3 digits/], ['unsigned', '-1', /negative/, /2 digits/], ['digitComb', 'x9', /digit comb/, /digits/],
    ['digitComb', '12345', /5 characters.*3 boxes/, /at most 3/], ['textComb', '$(id)', /character "\$"/, /letters/], ['textComb', 'a\u0007b', /U\+0007/, /letters/],
    ['open', 'B', /not a score/, /--score/], ['open', '5', /not a score/, /0 to 4/],
  ] as const)('refuses %s %j, saying why and what to give', (name, raw, message, fix) => {
    const r = check(name, raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(message);
    expect(r.error.fix).toMatch(fix);
  });
});
