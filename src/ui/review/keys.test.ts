import { describe, expect, it } from 'vitest';
import { keyAction, numberedChoices, splitSlots, type Slot } from './keys';

const card = (responseId: number, alternatives: { value: string; source: 'ocr'; confidence: number }[] = []) => ({
  responseId, studentId: `S${responseId}`, studentName: `S${responseId}`, pageId: 'P', confidence: 0.2, reasons: [], fills: [], alternatives,
});
const slotOf = (itemType: Slot['question']['itemType'], reading: string | null, cards = [card(1)], options: string[] = []): Slot => {
  const candidates = reading === null ? [] : [{ value: reading, source: 'station' as const, confidence: null }];
  const group = { reading, valid: reading !== null, candidates, cards };
  return { question: { itemId: 'q1', itemType, stem: { en: 'Q' }, options, maxScore: itemType === 'open' ? 4 : 1, key: [], groups: [group] }, group };
};
const key = (k: string, extra: Partial<KeyboardEvent> = {}) => ({ key: k, isComposing: false, ctrlKey: false, metaKey: false, altKey: false, target: null, ...extra });

describe('review shortcuts', () => {
  const single = slotOf('single_choice', 'A', [card(1)], ['A', 'B', 'C']);
  const written = slotOf('short_text', 'x=2', [card(1, [{ value: 'x=3', source: 'ocr', confidence: 0.4 }])]);

  it('a letter decides a choice question; Enter accepts the reading; 0 marks it wrong', () => {
    expect(keyAction(key('b'), single, [])).toEqual({ kind: 'decide', decision: { kind: 'answer', answer: 'B' } });
    expect(keyAction(key('Enter'), single, [])).toEqual({ kind: 'decide', decision: { kind: 'accept' } });
    expect(keyAction(key('0'), single, [])).toEqual({ kind: 'decide', decision: { kind: 'score', score: 0 } });
    expect(keyAction(key('z'), single, [])).toBeNull();
  });

  it('ignores keys while an input method composes, while typing, and with modifiers', () => {
    expect(keyAction(key('Enter', { isComposing: true }), single, [])).toBeNull();
    expect(keyAction(key('b', { ctrlKey: true }), single, [])).toBeNull();
    const input = { tagName: 'INPUT', type: 'text', isContentEditable: false } as unknown as EventTarget;
    expect(keyAction(key('Enter', { target: input }), single, [])).toBeNull();
    expect(keyAction(key('Backspace', { target: input }), single, [])).toBeNull();
  });

  it('numbers pick the numbered readings of a written answer; multiple choice toggles, then Enter records', () => {
    expect(numberedChoices(written).map((c) => c.value)).toEqual(['x=2', 'x=3']);
    expect(keyAction(key('2'), written, [])).toEqual({ kind: 'decide', decision: { kind: 'answer', answer: 'x=3' } });
    expect(keyAction(key('3'), written, [])).toBeNull();
    const multi = slotOf('multiple_choice', 'A', [card(1)], ['A', 'B', 'C']);
    expect(keyAction(key('c'), multi, ['A'])).toEqual({ kind: 'toggle', option: 'C' });
    expect(keyAction(key('Enter'), multi, ['A', 'C'])).toEqual({ kind: 'confirmPicked' });
  });

  it('an open question takes its score up to the maximum; arrows move; Backspace undoes', () => {
    const open = slotOf('open', '2');
    expect(keyAction(key('3'), open, [])).toEqual({ kind: 'decide', decision: { kind: 'answer', answer: '3' } });
    expect(keyAction(key('5'), open, [])).toBeNull();
    expect(keyAction(key('ArrowLeft'), open, [])).toEqual({ kind: 'move', by: -1 });
    expect(keyAction(key('Backspace'), undefined, [])).toEqual({ kind: 'undo' });
  });

  it('S splits a group of identical readings into one slot per read', () => {
    const group = slotOf('short_text', 'x=2', [card(1), card(2), card(3)]);
    expect(keyAction(key('s'), group, [])).toEqual({ kind: 'split' });
    expect(keyAction(key('s'), written, [])).toBeNull();
    expect(splitSlots([group], new Set([1])).map((s) => s.group.cards.map((c) => c.responseId))).toEqual([[1], [2], [3]]);
  });
});
