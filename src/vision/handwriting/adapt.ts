/**
 * The station's adaptation to a class's handwriting: a nearest-neighbour layer over the crops the
 * teacher confirmed in review (their network embeddings and the character the teacher gave). A box
 * close to confirmed boxes that agree has its probabilities blended with their vote, more the more
 * neighbours are near: a hand the network misreads the same way every time (its slanted '1' taken
 * for '/') is read as the teacher read it. A box unlike any of them, or among neighbours that
 * disagree (one student's '/' beside another's '1'), keeps the network's own reading. Per class; kept in the station
 * database; resettable.
 */
import { DIGIT_SIDE } from './boxInput';
import { COMB_CLASSES, combForward, SHAPE_FEATURES, type BoxReading, type CombChar, type CombNet } from './combNet';

export type ConfirmedBox = { embedding: Float32Array; char: CombChar };
export type AdaptationSettings = {
  /** Neighbours consulted, and the cosine similarity a neighbour needs to count. */
  k: number;
  minSimilarity: number;
  /** Share of the blend given to the neighbours' vote when all `k` are near (fewer: proportionally less). */
  weight: number;
  /** The vote counts only when one character holds at least this share of it: neighbours that disagree teach nothing. */
  agreement: number;
  /**
   * The vote tips a box only toward a character the network gives at least `tipFrom`; to overrule the network
   * (its '/' for a '1' this hand always writes) every neighbour needs `overrideSimilarity`. One student's '1' is
   * another's '/': boxes of other hands, merely alike, must not turn a '/' the network is sure of into a '1'.
   */
  tipFrom: number;
  overrideSimilarity: number;
};
/**
 * Three neighbours from a cosine similarity of 0.9, all of one character (agreement 0.8 of three is all three): a
 * class's confirmed boxes sit at 0.88–0.97 from its next ones, so 0.95 and five neighbours rarely gave the vote more
 * than a third of the blend (docs/reading.md, comb days).
 */
export const DEFAULT_ADAPTATION: AdaptationSettings = { k: 3, minSimilarity: 0.9, weight: 0.9, agreement: 0.8, tipFrom: 0.05, overrideSimilarity: 0.95 };
export type Adaptation = { boxes: readonly ConfirmedBox[]; settings?: AdaptationSettings };

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export function adaptedProbabilities(a: Adaptation, r: BoxReading): Float32Array {
  const s = a.settings ?? DEFAULT_ADAPTATION;
  const near = a.boxes
    .map((b) => ({ char: b.char, sim: cosine(b.embedding, r.embedding) }))
    .filter((n) => n.sim >= s.minSimilarity)
    .sort((x, y) => y.sim - x.sim)
    .slice(0, s.k);
  if (near.length === 0) return r.p;
  const vote = new Float32Array(r.p.length);
  const total = near.reduce((z, n) => z + n.sim, 0);
  for (const n of near) {
    const k = COMB_CLASSES.indexOf(n.char);
    vote[k] = (vote[k] as number) + n.sim / total;
  }
  const voted = vote.indexOf(Math.max(...vote));
  if ((vote[voted] as number) < s.agreement) return r.p;
  if ((r.p[voted] as number) < s.tipFrom && near.some((n) => n.sim < s.overrideSimilarity)) return r.p;
  const w = (s.weight * near.length) / s.k;
  return r.p.map((p, k) => (1 - w) * p + w * (vote[k] as number));
}

/** The adaptation layer from stored crops (their network inputs and confirmed characters); crops of another character set are skipped. */
export function adaptationFrom(net: CombNet, crops: readonly { char: string; input: Float32Array }[], settings?: AdaptationSettings): Adaptation {
  const boxes = crops.map((c) => confirmedBoxOf(net, c)).filter((b): b is ConfirmedBox => b !== null);
  return { boxes, ...(settings ? { settings } : {}) };
}

/** One stored crop as the layer holds it (its embedding under this network); null for a character outside the set. */
export function confirmedBoxOf(net: CombNet, c: { char: string; input: Float32Array }): ConfirmedBox | null {
  if (!(COMB_CLASSES as readonly string[]).includes(c.char)) return null;
  const cut = c.input.length - SHAPE_FEATURES;
  const t = combForward(net, { pixels: c.input.subarray(0, cut), shape: c.input.subarray(cut) });
  return { embedding: t.hidden.slice(), char: c.char as CombChar };
}

/** A box's network input as one array (what the station stores for a confirmed crop). */
export function storedInput(r: BoxReading): Float32Array {
  const out = new Float32Array(r.input.pixels.length + r.input.shape.length);
  out.set(r.input.pixels);
  out.set(r.input.shape, r.input.pixels.length);
  return out;
}

/**
 * A written box's network input as a comb review's evidence keeps it, so that the teacher's answer
 * can label it: the 28 × 28 darkness in 8 bits (base64), the ink shape as numbers.
 */
export type EvidenceBox = { px: string; shape: number[] };

export function evidenceBox(r: BoxReading): EvidenceBox {
  const bytes = Uint8Array.from(r.input.pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return { px: btoa(bin), shape: [...r.input.shape] };
}

/** The stored input (darkness, then shape) of an evidence box; null when it is not one. */
export function inputOfEvidenceBox(b: unknown): Float32Array | null {
  const box = b as Partial<EvidenceBox> | null;
  if (typeof box?.px !== 'string' || !Array.isArray(box.shape) || box.shape.length !== SHAPE_FEATURES) return null;
  const bin = atob(box.px);
  if (bin.length !== DIGIT_SIDE * DIGIT_SIDE) return null;
  const out = new Float32Array(bin.length + SHAPE_FEATURES);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i) / 255;
  out.set(box.shape.map(Number), bin.length);
  return out;
}

/**
 * A resolved comb review's written boxes labelled with the teacher's answer, one character per box in
 * order; none when the answer does not have one character for each box the reader saw (nothing to
 * align) or the evidence holds no boxes.
 */
export function labelledBoxes(evidence: unknown, answer: string | null): { box: number; char: string; input: Float32Array }[] {
  const boxes = (evidence as { boxInputs?: unknown } | null)?.boxInputs;
  if (!Array.isArray(boxes) || answer === null) return [];
  const chars = [...answer.trim()];
  if (chars.length !== boxes.length) return [];
  const inputs = boxes.map(inputOfEvidenceBox);
  if (inputs.some((x) => x === null)) return [];
  return inputs.map((input, i) => ({ box: i, char: chars[i] as string, input: input as Float32Array }));
}
