import { describe, expect, it } from 'vitest';
import { boxesGivenFormat, commonWrongAnswers, decodeComb, DEFAULT_COMB_DECODE } from './combDecode';
import { COMB_CLASSES } from './combNet';

const p = (entries: Record<string, number>) => {
  const out = new Float32Array(COMB_CLASSES.length);
  for (const [ch, v] of Object.entries(entries)) out[COMB_CLASSES.indexOf(ch as (typeof COMB_CLASSES)[number])] = v;
  return out;
};

describe('answer-aware decoding', () => {
  it('accepts a reading that is confidently one candidate', () => {
    const d = decodeComb([p({ 4: 0.99, 9: 0.01 }), p({ 2: 0.995, 7: 0.005 })], { accepted: ['42'], commonWrong: [] });
    expect(d).toMatchObject({ text: '42', accepted: true });
  });
  it('lets the accepted answer win a box the network half-sees, but never one it reads as something else', () => {
    const boxes = [p({ 3: 0.99 }), p({ 8: 0.7, 5: 0.3 })];
    expect(decodeComb(boxes, { accepted: [], commonWrong: [] })).toMatchObject({ text: '38', accepted: false });
    expect(decodeComb(boxes, { accepted: ['35'], commonWrong: [] })).toMatchObject({ accepted: false });
    const close = [p({ 3: 0.99 }), p({ 5: 0.62, 8: 0.38 })];
    expect(decodeComb(close, { accepted: ['35'], commonWrong: [] }).accepted).toBe(false);
    expect(decodeComb([p({ 3: 0.999 }), p({ 5: 0.97, 8: 0.03 })], { accepted: ['35'], commonWrong: [] })).toMatchObject({ text: '35', accepted: true });
  });
  it('sends a common wrong answer that competes with the right one to review', () => {
    const boxes = [p({ 1: 0.5, 7: 0.5 }), p({ 2: 1 })];
    const d = decodeComb(boxes, { accepted: ['12'], commonWrong: ['72'] });
    expect(d.accepted).toBe(false);
    expect(d.candidates.map((c) => c.text).slice(0, 2).sort()).toEqual(['12', '72']);
  });
  it('never takes "315" for the answer "3/5": a confident 1 where the answer has a / goes to review', () => {
    const boxes = [p({ 3: 1 }), p({ 1: 0.9999, '/': 0.0001 }), p({ 5: 1 })];
    const d = decodeComb(boxes, { accepted: ['3/5'], commonWrong: [] });
    expect(d).toMatchObject({ text: '315', accepted: false });
    expect(d.reasons).toContain('confusable_with_answer');
  });
  it('a common wrong answer the prior pulls above what the student wrote still goes to review', () => {
    // The student wrote 14; the network half-sees a 3 in the second box, and 13 is this class's common wrong answer.
    const boxes = [p({ 1: 0.999, 7: 0.001 }), p({ 4: 0.55, 3: 0.45 })];
    expect(decodeComb(boxes, { accepted: ['15'], commonWrong: [] }).candidates[0]?.text).toBe('14');
    const pulled = decodeComb(boxes, { accepted: ['15'], commonWrong: ['13'] });
    expect(pulled.candidates[0]?.text).toBe('13');
    expect(pulled).toMatchObject({ accepted: false });
    expect(pulled.reasons).toContain('ambiguous_reading');
    // Even a prior strong enough to claim nearly all the posterior cannot pass a box the network itself doubts.
    const overwhelming = decodeComb(boxes, { accepted: ['15'], commonWrong: ['13'] }, { ...DEFAULT_COMB_DECODE, commonWrongPrior: 10_000 });
    expect(overwhelming.candidates[0]).toMatchObject({ text: '13' });
    expect(overwhelming.candidates[0]!.posterior).toBeGreaterThan(DEFAULT_COMB_DECODE.acceptP);
    expect(overwhelming).toMatchObject({ accepted: false });
    expect(overwhelming.reasons).toEqual(['uncertain_box']);
  });
  it('a text comb takes any string of the network’s characters, a digit comb only a number', () => {
    const boxes = [p({ x: 0.999 }), p({ '=': 0.999 }), p({ 5: 0.999 })];
    expect(decodeComb(boxes, { accepted: ['x=5'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text')).toMatchObject({ text: 'x=5', accepted: true });
    const asDigits = decodeComb(boxes, { accepted: ['x=5'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'digits');
    expect(asDigits).toMatchObject({ text: 'x=5', accepted: false });
    expect(asDigits.reasons).toContain('unexpected_format');
  });
  it('a digit comb reads its boxes over digits and symbols: a 1 half taken for an i is a 1 there, a letter alone is unreadable', () => {
    const boxes = [p({ 1: 0.55, i: 0.45 }), p({ 3: 0.999 })];
    expect(decodeComb(boxes, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text')).toMatchObject({ text: '13', accepted: false });
    expect(decodeComb(boxes, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'digits')).toMatchObject({ text: '13', accepted: true });
    expect(decodeComb([p({ s: 0.999 })], { accepted: ['5'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'digits')).toMatchObject({ accepted: false, reasons: ['unreadable'] });
  });
  it('a digit comb ranks only numbers while there are some: a / the network half-sees in 11/24 gives way', () => {
    const half = [p({ 1: 0.99 }), p({ '/': 0.25, 1: 0.75 }), p({ '/': 0.999 }), p({ 2: 0.999 }), p({ 4: 0.999 })];
    expect(decodeComb(half, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text')).toMatchObject({ text: '11/24', accepted: false });
    expect(decodeComb(half, { accepted: [], commonWrong: [] })).toMatchObject({ text: '11/24', accepted: true });
  });
  it('a digit comb judges each box over the numbers its format allows: a / where none can stand is a 1, one that can stand is not overruled', () => {
    // A second '/' beside a sure one, and a '/' opening the number: the format allows neither, so the box is a 1.
    const second = [p({ 1: 0.99 }), p({ '/': 0.7, 1: 0.3 }), p({ '/': 0.999 }), p({ 2: 0.999 }), p({ 4: 0.999 })];
    expect(decodeComb(second, { accepted: [], commonWrong: [] })).toMatchObject({ text: '11/24', accepted: true, reasons: [] });
    const opening = [p({ '/': 0.7, 1: 0.27, 7: 0.03 }), p({ 3: 0.999 })];
    expect(decodeComb(opening, { accepted: ['13'], commonWrong: [] })).toMatchObject({ text: '13', accepted: true });
    expect(boxesGivenFormat(opening, 'digits')[0]![COMB_CLASSES.indexOf('1')]).toBeCloseTo(0.9, 2);
    // A '/' the network is sure of where none can stand: its last percent split 9:1 says nothing about 1 against 7
    // (a 73 whose 7 looks like a '/'), so the box keeps its own probabilities and goes to a person.
    const sureSlash = [p({ '/': 0.99, 1: 0.009, 7: 0.001 }), p({ 3: 0.999 })];
    expect(decodeComb(sureSlash, { accepted: ['13'], commonWrong: [] })).toMatchObject({ text: '13', accepted: false, reasons: ['uncertain_box'] });
    expect(decodeComb(sureSlash, { accepted: ['13'], commonWrong: [] }, { ...DEFAULT_COMB_DECODE, minFormatShare: 0 }).accepted).toBe(true);
    // Judged box by box, as before, both go to review.
    const alone = { ...DEFAULT_COMB_DECODE, boxPGivenFormat: false };
    expect(decodeComb(second, { accepted: [], commonWrong: [] }, alone)).toMatchObject({ text: '11/24', accepted: false, reasons: ['uncertain_box'] });
    expect(decodeComb(opening, { accepted: ['13'], commonWrong: [] }, alone)).toMatchObject({ text: '13', accepted: false, reasons: ['uncertain_box'] });
    // Where a '/' can stand (1/24 and 1124 are both numbers), the network's doubt stays: review.
    const either = [p({ 1: 0.99 }), p({ '/': 0.7, 1: 0.3 }), p({ 2: 0.999 }), p({ 4: 0.999 })];
    expect(decodeComb(either, { accepted: [], commonWrong: [] })).toMatchObject({ text: '1/24', accepted: false, reasons: ['ambiguous_reading'] });
    // A text comb allows any string: its boxes are judged as they are.
    expect(boxesGivenFormat(opening, 'text')[0]![COMB_CLASSES.indexOf('/')]).toBeCloseTo(0.7, 5);
  });
  it('a 1 where an answer of the same length has its / goes to review, whatever the other boxes hold', () => {
    // 4/1 written with a steep '/', the answer 1/4: the network is sure of 411.
    const d = decodeComb([p({ 4: 0.999 }), p({ 1: 0.9999 }), p({ 1: 0.999 })], { accepted: ['1/4'], commonWrong: [] });
    expect(d).toMatchObject({ text: '411', accepted: false, reasons: ['one_where_answer_has_slash'] });
    expect(decodeComb([p({ 4: 0.999 }), p({ 1: 0.9999 }), p({ 1: 0.999 })], { accepted: ['14'], commonWrong: ['1/4'] }).accepted).toBe(false);
    expect(decodeComb([p({ 4: 0.999 }), p({ 1: 0.9999 }), p({ 1: 0.999 })], { accepted: ['411'], commonWrong: ['4/1'] })).toMatchObject({ text: '411', accepted: true });
  });
  it('a second opinion removes a runner-up it rules out (stroke geometry: no dot, no i), never the network\'s first reading', () => {
    const oneOrI = [p({ 1: 0.8, i: 0.2 }), p({ 4: 0.999 })];
    expect(decodeComb(oneOrI, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text')).toMatchObject({ text: '14', accepted: false });
    expect(decodeComb(oneOrI, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 1 }, { dot: false, height: 1 }])).toMatchObject({ text: '14', accepted: true });
    // The network reads an i first: the geometry disagrees, and the network's probabilities stand.
    const iFirst = [p({ i: 0.7, 1: 0.3 }), p({ 4: 0.999 })];
    expect(decodeComb(iFirst, { accepted: [], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 1 }, { dot: false, height: 1 }])).toMatchObject({ text: 'i4', accepted: false });
  });
  it('in a text comb, a 1 the network is sure of where the geometry sees an i\'s dot goes to review', () => {
    const sure = [p({ 1: 0.999, i: 0.001 }), p({ 2: 0.999 })];
    expect(decodeComb(sure, { accepted: ['12'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 1 }, { dot: false, height: 1 }])).toMatchObject({ text: '12', accepted: true });
    expect(decodeComb(sure, { accepted: ['12'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: true, height: 1 }, { dot: false, height: 1 }])).toMatchObject({ text: '12', accepted: false, reasons: ['dot_over_one'] });
    // A digit comb holds no i: a speck above its 1 changes nothing.
    expect(decodeComb(sure, { accepted: ['12'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'digits', [{ dot: true, height: 1 }, { dot: false, height: 1 }])).toMatchObject({ text: '12', accepted: true });
  });
  it('in a text comb, a 1 with no dot but as short as an i whose dot ran into its stem keeps its i doubt and goes to review where an i would change the grade', () => {
    // A touching-dot i: the network reads 1 first, i second; the answer is 1. No separate dot, but a short stroke.
    const oneThenI = [p({ 1: 0.8, i: 0.2 })];
    const short = decodeComb(oneThenI, { accepted: ['1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.6 }]);
    expect(short.accepted).toBe(false);
    expect(short.reasons).toContain('short_one');
    // A tall dotless 1 is no i: the runner-up goes and the 1 is accepted.
    expect(decodeComb(oneThenI, { accepted: ['1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.9 }])).toMatchObject({ text: '1', accepted: true });
    // Even a sure short 1 goes to review in a text comb; a digit comb holds no i.
    const sure = [p({ 1: 0.999, i: 0.001 })];
    expect(decodeComb(sure, { accepted: ['1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.6 }])).toMatchObject({ accepted: false, reasons: ['short_one'] });
    expect(decodeComb(sure, { accepted: ['1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'digits', [{ dot: false, height: 0.6 }])).toMatchObject({ text: '1', accepted: true });
    // Only where an i there would change the grade: the answer is the reading, or the reading with an i for that 1.
    expect(decodeComb(sure, { accepted: ['i'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.6 }]).reasons).toContain('short_one');
    expect(decodeComb(sure, { accepted: ['x'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.6 }])).toMatchObject({ text: '1', accepted: true });
    // A small hand: the 1 is as tall as the 2 the same hand wrote beside it, so it is no i; one much shorter may be.
    const twelve = [p({ 1: 0.999 }), p({ 2: 0.999 })];
    expect(decodeComb(twelve, { accepted: ['12'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.68 }, { dot: false, height: 0.7 }])).toMatchObject({ text: '12', accepted: true });
    expect(decodeComb(twelve, { accepted: ['12'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', [{ dot: false, height: 0.5 }, { dot: false, height: 0.7 }]).reasons).toContain('short_one');
    // With no digit, a letter without ascender shows the hand's height: n+1's 1 is as tall as an n shows it.
    const nPlusOne = [p({ n: 0.999 }), p({ '+': 0.999 }), p({ 1: 0.999 })];
    const nHeight = (one: number) => [{ dot: false, height: 0.42 }, { dot: false, height: 0.45 }, { dot: false, height: one }];
    expect(decodeComb(nPlusOne, { accepted: ['n+1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', nHeight(0.7))).toMatchObject({ text: 'n+1', accepted: true });
    expect(decodeComb(nPlusOne, { accepted: ['n+1'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text', nHeight(0.45)).reasons).toContain('short_one');
  });
  it('a + where a text answer has an x, or an s where it has a 5, goes to review', () => {
    const plus = decodeComb([p({ '+': 0.999 }), p({ '=': 0.999 }), p({ 5: 0.999 })], { accepted: ['x=5'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text');
    expect(plus).toMatchObject({ text: '+=5', accepted: false, reasons: ['confusable_with_answer'] });
    const s = decodeComb([p({ x: 0.999 }), p({ '=': 0.999 }), p({ s: 0.999 })], { accepted: ['x=5'], commonWrong: [] }, DEFAULT_COMB_DECODE, 'text');
    expect(s).toMatchObject({ text: 'x=s', accepted: false, reasons: ['confusable_with_answer'] });
  });
});

describe("a class's common wrong answers", () => {
  it('are the wrong answers given at least twice, most frequent first, at most three', () => {
    const counts = [{ answer: '21', n: 5 }, { answer: '13', n: 2 }, { answer: '7', n: 1 }, { answer: '-12', n: 9 }, { answer: '120', n: 3 }];
    expect(commonWrongAnswers(counts)).toEqual(['-12', '21', '120']);
    expect(commonWrongAnswers([{ answer: '7', n: 1 }])).toEqual([]);
  });
});
