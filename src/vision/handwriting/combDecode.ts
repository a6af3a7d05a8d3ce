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
import { COMB_CLASSES } from './combNet';

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
};

export const DEFAULT_COMB_DECODE: CombDecodeSettings = { acceptP: 0.98, minBoxP: 0.6, acceptedPrior: 10, commonWrongPrior: 3, perBox: 3, beam: 12 };

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

export function decodeComb(networkBoxes: readonly Float32Array[], prior: CombPrior, s: CombDecodeSettings = DEFAULT_COMB_DECODE, charset: CombCharset = 'digits'): CombDecision {
  if (networkBoxes.length === 0) return { text: null, accepted: false, candidates: [], reasons: ['unreadable'] };
  const boxes = networkBoxes.map((p) => overCharset(p, charset));
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
  const weakest = Math.min(...[...best.text].map((ch, i) => ((boxes[i] as Float32Array)[COMB_CLASSES.indexOf(ch as (typeof COMB_CLASSES)[number])] as number)));
  if (weakest < s.minBoxP) reasons.push('uncertain_box');
  if (!FORMAT[charset].test(best.text)) reasons.push('unexpected_format');
  if (!accepted.has(best.text) && [...accepted].some((a) => confusableWith(best.text, a))) reasons.push('confusable_with_answer');
  return { text: best.text, accepted: reasons.length === 0, candidates, reasons };
}
