import type { OutputOf } from '../api';

export type Board = OutputOf<'reviewBoard'>;
export type Question = Board['questions'][number];
export type Group = Question['groups'][number];
export type Candidate = Group['candidates'][number];
/** One decision's place in the queue: a reading group of a question. */
export type Slot = { question: Question; group: Group };

/** What a decision records: the station's reading, a chosen answer, or a score (0 = wrong, keeping the reading). */
export type Decision = { kind: 'accept' } | { kind: 'answer'; answer: string } | { kind: 'score'; score: number };
export type KeyAction = { kind: 'decide'; decision: Decision } | { kind: 'toggle'; option: string } | { kind: 'confirmPicked' } | { kind: 'move'; by: 1 | -1 } | { kind: 'undo' } | { kind: 'type' } | { kind: 'split' };

/** The slots in queue order: question by question, the larger reading groups first. */
export const slotsOf = (board: Board): Slot[] => board.questions.flatMap((question) => question.groups.map((group) => ({ question, group })));

/** A group the teacher split (its first response id in `split`) becomes one slot per read, to decide each alone. */
export const splitSlots = (slots: readonly Slot[], split: ReadonlySet<number>): Slot[] =>
  slots.flatMap((s) => (split.has(s.group.cards[0]!.responseId) ? s.group.cards.map((card) => ({ question: s.question, group: { ...s.group, cards: [card] } })) : [s]));

/** The options the station read as marked on a multiple-choice question (the starting point of the teacher's marks). */
export const stationMarks = (slot: Slot): string[] => (slot.question.itemType === 'multiple_choice' && slot.group.reading ? slot.group.reading.split(',') : []);

/** The numbered choices of a slot: the station's reading, the answer key, and a lone read's other readings. */
export function numberedChoices(slot: Slot): Candidate[] {
  const lone = slot.group.cards.length === 1 ? slot.group.cards[0]!.alternatives : [];
  const seen = new Set(slot.group.candidates.map((c) => c.value));
  return [...slot.group.candidates, ...lone.filter((c) => !seen.has(c.value))].slice(0, 9);
}

/** Where a key press is the teacher typing, not a shortcut: a text field, a list box, an editable element. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type);
}

type KeyInfo = Pick<KeyboardEvent, 'key' | 'isComposing' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>;

/**
 * The review shortcuts. Nothing while an input method is composing or while the teacher types in a field.
 * Choice items: a letter decides (multiple choice: letters toggle, Enter records them); numeric and written
 * answers (and multiple choice): 1–9 pick a numbered reading, 0 marks it wrong; open items: a digit is the score. S splits a group.
 */
export function keyAction(e: KeyInfo, slot: Slot | undefined, picked: readonly string[]): KeyAction | null {
  if (e.isComposing || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return null;
  switch (e.key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return { kind: 'move', by: 1 };
    case 'ArrowLeft':
    case 'ArrowUp':
      return { kind: 'move', by: -1 };
    case 'Backspace':
      return { kind: 'undo' };
  }
  if (!slot) return null;
  const { question, group } = slot;
  if (e.key === 'Enter') {
    if (question.itemType === 'multiple_choice' && picked.length) return { kind: 'confirmPicked' };
    return group.candidates.some((c) => c.source === 'station') ? { kind: 'decide', decision: { kind: 'accept' } } : null;
  }
  if (e.key.toUpperCase() === 'S' && group.cards.length > 1) return { kind: 'split' };
  if (e.key === '/' && question.itemType !== 'single_choice' && question.itemType !== 'multiple_choice' && question.itemType !== 'true_false') return { kind: 'type' };
  const upper = e.key.length === 1 ? e.key.toUpperCase() : '';
  if (question.options.includes(upper))
    return question.itemType === 'multiple_choice' ? { kind: 'toggle', option: upper } : { kind: 'decide', decision: { kind: 'answer', answer: upper } };
  if (!/^[0-9]$/.test(e.key)) return null;
  const digit = Number(e.key);
  if (question.itemType === 'open') return digit <= question.maxScore ? { kind: 'decide', decision: { kind: 'answer', answer: String(digit) } } : null;
  if (digit === 0) return { kind: 'decide', decision: { kind: 'score', score: 0 } };
  if (question.itemType !== 'numeric' && question.itemType !== 'short_text' && question.itemType !== 'multiple_choice') return null;
  const choice = numberedChoices(slot)[digit - 1];
  return choice ? { kind: 'decide', decision: { kind: 'answer', answer: choice.value } } : null;
}
