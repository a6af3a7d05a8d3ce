import type { FieldTruth } from '../../src/synth/truth';

/**
 * What a reader must report for a field, from what the synthetic student drew: 'B', 'A,C' (in target
 * order), the grid's number, the comb's text, the ticked score; null for blank. A write-in has no value
 * (it is read for ink only), so it is judged by whether anything was written.
 */
export function truthAnswer(t: FieldTruth): string | null {
  switch (t.kind) {
    case 'bubbles':
      return t.marked.length ? t.marked.join(',') : null;
    case 'digit_grid':
      return t.text;
    case 'comb':
      return t.text === '' ? null : t.text;
    case 'score':
      return t.marked;
    case 'write_in':
      return t.lines.some((l) => l.trim() !== '') ? 'ink' : null;
  }
}

/** A field a reader decided on (not sent to review). */
export type DecidedRead = { kind: FieldTruth['kind']; value: string | null; status: 'ok' | 'blank' };

/** Whether a decided read says what was drawn. Grids compare as numbers ('07' is 7). */
export function agreesWithTruth(read: DecidedRead, t: FieldTruth): boolean {
  const want = truthAnswer(t);
  if (read.status === 'blank') return want === null;
  if (t.kind === 'write_in') return want !== null;
  if (want === null || read.value === null) return want === read.value;
  return t.kind === 'digit_grid' ? Number(read.value) === Number(want) : read.value === want;
}
