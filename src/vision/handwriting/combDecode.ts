/**
 * DECIDE a comb from the network's per-box probabilities. Candidates are the likeliest
 * strings (a beam over each box's top classes) and the item's accepted and common wrong answers;
 * those answers get a prior weight, so an answer the network half-sees can win, but a reading is
 * accepted only when it is confidently one candidate: its posterior share is at least `acceptP` and
 * the network itself gives every box's character at least `minBoxP`, and it has the comb's format
 * (a number for a digit comb; a text comb takes any string of the network's characters). The format
 * is a prior too: the share of a string it does not allow goes to the well-formed ones, so '11/24'
 * can stand when the network half-sees '1//24', but only if it gives that '1' `minBoxP`. A reading
 * that differs from an accepted answer only by strokes a pen makes alike ('1' for '/', '1' for '7',
 * 's' for '5') is never taken: it goes to review. Anything else is review too.
 */
import { COMB_CLASSES, type CombChar } from './combNet';
import { heightShareOf, mayHoldI, ONE_BESIDE_DIGITS, ruledOutBy, type StrokeGeometry } from './strokeGeometry';

export type CombDecodeSettings = {
  /** Posterior share the best candidate needs to be accepted without a person. */
  acceptP: number;
  /** Each box's character must have at least this probability from the network alone. */
  minBoxP: number;
  /** Prior weights (relative to 1 for any other string). */
  acceptedPrior: number;
  commonWrongPrior: number;
  /** Classes kept per box, and strings kept, in the beam. */
  perBox: number;
  beam: number;
  /**
   * Judge each box by `minBoxP` over the strings the comb's format allows (a '/' cannot open a number, nor stand
   * twice in one), not over the box alone (false: the box alone, as before 2026-12-07).
   */
  boxPGivenFormat: boolean;
  /**
   * A box is judged over the format only when the network gives the characters the format allows there at least
   * this share: a box it reads as a sure '/' where none can stand keeps its own probabilities (review), since the
   * split of its last percent between '1' and '7' says nothing.
   */
  minFormatShare: number;
};

export const DEFAULT_COMB_DECODE: CombDecodeSettings = { acceptP: 0.98, minBoxP: 0.6, acceptedPrior: 10, commonWrongPrior: 3, perBox: 3, beam: 12, boxPGivenFormat: true, minFormatShare: 0.2 };

export type CombPrior = { accepted: readonly string[]; commonWrong: readonly string[] };

export type CommonWrongSettings = {
  /** Times a wrong answer must have been given in the class to count as common. */
  minCount: number;
  /** Common wrong answers kept per item, most frequent first. */
  max: number;
};
export const DEFAULT_COMMON_WRONG: CommonWrongSettings = { minCount: 2, max: 3 };

/** An item's common wrong answers in a class, from how often each wrong answer was given there. */
export function commonWrongAnswers(counts: readonly { answer: string; n: number }[], s: CommonWrongSettings = DEFAULT_COMMON_WRONG): string[] {
  return counts
    .filter((c) => c.n >= s.minCount)
    .sort((a, b) => b.n - a.n || (a.answer < b.answer ? -1 : 1))
    .slice(0, s.max)
    .map((c) => c.answer);
}
export type CombCandidate = { text: string; likelihood: number; prior: number; posterior: number };
export type CombDecision = { text: string | null; accepted: boolean; candidates: CombCandidate[]; reasons: string[] };

export type CombCharset = 'digits' | 'text';
const FORMAT: Record<CombCharset, RegExp> = { digits: /^-?\d+([./]\d+)?$/, text: /^.+$/ };

/** Strokes that one pen makes look alike: a steep '/' is a slanted '1', a turned 'x' a '+'. */
const CONFUSABLE = new Set(['1/', '17', 'x+', 't+', 'xy', 's5', 'z2', 'g9', 'q9', 'b6'].flatMap(([a, b]) => [a! + b!, b! + a!]));

/**
 * Does a reading have a '1' where an answer of the same length has its '/'? A steep '/' is a '1' to the network,
 * sure of it (the '3/5' read as '315', and as '511' where the answer is '5/1'): such a reading goes to review.
 */
const oneForSlash = (reading: string, answer: string) => answer.length === reading.length && [...answer].some((ch, i) => ch === '/' && reading[i] === '1');

/**
 * Is an answer the reading itself, or the reading with some of its short dotless '1's (`short`) read as 'i' or 'j'?
 * Then a '1' that was an i whose dot ran into its stem would change the grade.
 */
const iForShortOne = (reading: string, answer: string, short: readonly boolean[]) =>
  answer.length === reading.length && [...answer].every((ch, k) => ch === reading[k] || (short[k] && (ch === 'i' || ch === 'j')));

/** Do two readings differ only where one has a character the other's could be mistaken for? */
function confusableWith(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  return [...a].every((ch, i) => ch === b[i] || CONFUSABLE.has(ch + b[i]));
}

function likelihoodOf(text: string, boxes: readonly Float32Array[]): number {
  if (text.length !== boxes.length) return 0;
  let l = 1;
  for (let i = 0; i < text.length; i++) {
    const k = COMB_CLASSES.indexOf(text[i] as (typeof COMB_CLASSES)[number]);
    l *= k < 0 ? 0 : ((boxes[i] as Float32Array)[k] as number);
  }
  return l;
}

/** The likeliest strings, one class per box. */
function beamStrings(boxes: readonly Float32Array[], s: CombDecodeSettings): { text: string; likelihood: number }[] {
  let beam = [{ text: '', likelihood: 1 }];
  for (const p of boxes) {
    const top = [...p.keys()].sort((a, b) => (p[b] as number) - (p[a] as number)).slice(0, s.perBox);
    beam = beam
      .flatMap((c) => top.map((k) => ({ text: c.text + COMB_CLASSES[k], likelihood: c.likelihood * (p[k] as number) })))
      .sort((a, b) => b.likelihood - a.likelihood)
      .slice(0, s.beam);
  }
  return beam;
}

/**
 * What a box of each kind of comb can hold. A digit comb's box is read over the digits and symbols
 * only (a '1' the network half takes for an 'i' is a '1' there); a '+' or '=' stays what it is, and
 * its comb goes to review as malformed.
 */
const BOX_CLASSES: Record<CombCharset, ReadonlySet<string>> = {
  digits: new Set(COMB_CLASSES.filter((c) => !/[a-wyz]/.test(c))),
  text: new Set(COMB_CLASSES),
};

/** A box's probabilities over the characters its comb can hold (all zero when it holds none of them). */
function overCharset(p: Float32Array, charset: CombCharset): Float32Array {
  const out = p.map((v, k) => (BOX_CLASSES[charset].has(COMB_CLASSES[k] as string) ? v : 0));
  const sum = out.reduce((a, v) => a + v, 0);
  return sum > 0 ? out.map((v) => v / sum) : out;
}

/**
 * A box's probabilities without the characters a second opinion rules out (stroke geometry: no dot, no 'i'),
 * unless the network reads one of them first: then the two disagree and the network's probabilities stand.
 */
function withoutRuledOut(p: Float32Array, out: readonly CombChar[] | undefined): Float32Array {
  const ks = (out ?? []).map((ch) => COMB_CLASSES.indexOf(ch));
  if (ks.length === 0 || ks.includes(p.indexOf(Math.max(...p)))) return p;
  const kept = p.map((v, k) => (ks.includes(k) ? 0 : v));
  const sum = kept.reduce((a, v) => a + v, 0);
  return sum > 0 ? kept.map((v) => v / sum) : p;
}

/**
 * The digit comb's format, /^-?\d+([./]\d+)?$/, as an automaton: the state after a character (-1: not allowed).
 * States: 0 start, 1 sign, 2 whole part, 3 separator, 4 fraction or decimals; 2 and 4 end a number.
 */
function nextDigitState(state: number, ch: string): number {
  const digit = ch >= '0' && ch <= '9' && ch.length === 1;
  if (state === 0) return ch === '-' ? 1 : digit ? 2 : -1;
  if (state === 1) return digit ? 2 : -1;
  if (state === 2) return digit ? 2 : ch === '.' || ch === '/' ? 3 : -1;
  return digit ? 4 : -1;
}
const DIGIT_STATES = 5;
const ENDS_NUMBER = [false, false, true, false, true];

/**
 * Each box's probabilities over the strings a digit comb's format allows (exact, forward–backward over the
 * automaton): a '/' the network half-sees where no '/' can stand gives its share to the other characters.
 * A text comb allows any string: its boxes are returned as they are, and so are boxes no allowed string fits.
 */
export function boxesGivenFormat(boxes: readonly Float32Array[], charset: CombCharset): Float32Array[] {
  if (charset === 'text') return [...boxes];
  const n = boxes.length;
  const next = COMB_CLASSES.map((ch) => Array.from({ length: DIGIT_STATES }, (_, state) => nextDigitState(state, ch)));
  const forward = [Float64Array.from({ length: DIGIT_STATES }, (_, st) => (st === 0 ? 1 : 0))];
  for (let i = 0; i < n; i++) {
    const f = new Float64Array(DIGIT_STATES);
    for (let st = 0; st < DIGIT_STATES; st++)
      for (let k = 0; k < COMB_CLASSES.length; k++) {
        const to = next[k]![st]!;
        if (to >= 0) f[to]! += forward[i]![st]! * boxes[i]![k]!;
      }
    forward.push(f);
  }
  const backward: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(DIGIT_STATES));
  ENDS_NUMBER.forEach((end, st) => (backward[n]![st] = end ? 1 : 0));
  for (let i = n - 1; i >= 0; i--)
    for (let st = 0; st < DIGIT_STATES; st++)
      for (let k = 0; k < COMB_CLASSES.length; k++) {
        const to = next[k]![st]!;
        if (to >= 0) backward[i]![st]! += boxes[i]![k]! * backward[i + 1]![to]!;
      }
  const z = backward[0]![0]!;
  if (!(z > 0)) return [...boxes];
  return boxes.map((p, i) =>
    p.map((v, k) => {
      let m = 0;
      for (let st = 0; st < DIGIT_STATES; st++) {
        const to = next[k]![st]!;
        if (to >= 0) m += forward[i]![st]! * v * backward[i + 1]![to]!;
      }
      return m / z;
    }),
  );
}

/** The network's share of a box on the characters the format leaves possible there. */
function allowedShare(box: Float32Array, givenFormat: Float32Array): number {
  let share = 0;
  for (let k = 0; k < box.length; k++) if (givenFormat[k]! > 0) share += box[k]!;
  return share;
}

export function decodeComb(
  networkBoxes: readonly Float32Array[],
  prior: CombPrior,
  s: CombDecodeSettings = DEFAULT_COMB_DECODE,
  charset: CombCharset = 'digits',
  geometry?: readonly (StrokeGeometry | null)[],
): CombDecision {
  if (networkBoxes.length === 0) return { text: null, accepted: false, candidates: [], reasons: ['unreadable'] };
  const boxes = networkBoxes.map((p, i) => {
    const g = geometry?.[i];
    return withoutRuledOut(overCharset(p, charset), g ? ruledOutBy(g) : []);
  });
  const accepted = new Set(prior.accepted);
  const wrong = new Set(prior.commonWrong);
  // A string the comb's format does not allow ('1//24' in a digit comb) has prior 0: it ranks only when nothing well formed is left.
  const priorOf = (t: string) => (!FORMAT[charset].test(t) ? 0 : accepted.has(t) ? s.acceptedPrior : wrong.has(t) ? s.commonWrongPrior : 1);
  const byText = new Map(beamStrings(boxes, s).map((c) => [c.text, c.likelihood]));
  for (const t of [...accepted, ...wrong]) if (!byText.has(t) && t.length === boxes.length) byText.set(t, likelihoodOf(t, boxes));
  const seen = [...byText.values()].reduce((a, b) => a + b, 0);
  // The likelihood of every string outside the list, at prior 1: the list cannot claim it.
  const unseen = Math.max(0, 1 - seen);
  const weighted = [...byText].map(([text, likelihood]) => ({ text, likelihood, prior: priorOf(text), w: likelihood * priorOf(text) }));
  const total = weighted.reduce((a, c) => a + c.w, 0) + unseen;
  const candidates = weighted
    .map(({ w, ...c }) => ({ ...c, posterior: total > 0 ? w / total : 0 }))
    .sort((a, b) => b.posterior - a.posterior)
    .filter((c, i) => i < 5 && c.likelihood > 0);
  const best = candidates[0];
  if (!best) return { text: null, accepted: false, candidates, reasons: ['unreadable'] };
  const reasons: string[] = [];
  if (best.posterior < s.acceptP) reasons.push('ambiguous_reading');
  const judged = s.boxPGivenFormat ? boxesGivenFormat(boxes, charset).map((given, i) => (allowedShare(boxes[i]!, given) >= s.minFormatShare ? given : boxes[i]!)) : boxes;
  const weakest = Math.min(...[...best.text].map((ch, i) => (judged[i] as Float32Array)[COMB_CLASSES.indexOf(ch as CombChar)] as number));
  if (weakest < s.minBoxP) reasons.push('uncertain_box');
  if (!FORMAT[charset].test(best.text)) reasons.push('unexpected_format');
  if (!accepted.has(best.text) && [...accepted].some((a) => confusableWith(best.text, a))) reasons.push('confusable_with_answer');
  if (!accepted.has(best.text) && !wrong.has(best.text) && [...accepted, ...wrong].some((a) => oneForSlash(best.text, a))) reasons.push('one_where_answer_has_slash');
  // In a text comb an 'i' can stand: a '1' the network reads where the geometry sees an i's dot is the two disagreeing;
  // so is one with no dot but as short as an i whose dot ran into its stem, where an i there would change the grade.
  const dotted = charset === 'text' ? [...best.text].map((ch, i) => (ch === '1' ? geometry?.[i] : null)) : [];
  if (dotted.some((g) => g?.dot)) reasons.push('dot_over_one');
  // A '1' as tall as the same hand's digits (or, with none, its short letters) show its characters to be is no i,
  // however small the hand.
  const shown = [...best.text].map((ch, i) => ({ share: heightShareOf(ch), height: geometry?.[i]?.height ?? 0 }));
  const byDigits = shown.some((c) => c.share === 1);
  const handHeight = Math.max(0, ...shown.map((c) => (c.share && (c.share === 1 || !byDigits) ? c.height / c.share : 0)));
  const short = dotted.map((g) => !!g && !g.dot && mayHoldI(g) && (handHeight === 0 || g.height < ONE_BESIDE_DIGITS * handHeight));
  if (short.some(Boolean) && [...accepted].some((a) => iForShortOne(best.text, a, short))) reasons.push('short_one');
  return { text: best.text, accepted: reasons.length === 0, candidates, reasons };
}
