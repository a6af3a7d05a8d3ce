/**
 * The station's adaptation to a class's handwriting: a nearest-neighbour layer over the crops the
 * teacher confirmed in review (their network embeddings and the character the teacher gave). A box
 * close to confirmed boxes has its probabilities pulled toward their characters; a box unlike any
 * of them keeps the network's own reading. Per class; kept in the station database; resettable.
 */
import { COMB_CLASSES, type BoxReading, type CombChar } from './combNet';

export type ConfirmedBox = { embedding: Float32Array; char: CombChar };
export type AdaptationSettings = {
  /** Neighbours consulted, and the cosine similarity a neighbour needs to count. */
  k: number;
  minSimilarity: number;
  /** Weight of the neighbours' vote against the network's probabilities (which sum to 1). */
  strength: number;
};
export const DEFAULT_ADAPTATION: AdaptationSettings = { k: 5, minSimilarity: 0.92, strength: 3 };
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
  const out = Float32Array.from(r.p);
  for (const n of near) {
    const k = COMB_CLASSES.indexOf(n.char);
    out[k] = (out[k] as number) + (s.strength * n.sim) / s.k;
  }
  const z = out.reduce((x, y) => x + y, 0);
  return out.map((v) => v / z);
}
