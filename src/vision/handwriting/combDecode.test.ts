import { describe, expect, it } from 'vitest';
import { decodeComb } from './combDecode';
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
});
