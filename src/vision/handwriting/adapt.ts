/**
 * The station's adaptation to a class's handwriting: a nearest-neighbour layer over the crops the
 * teacher confirmed in review (their network embeddings and the character the teacher gave). A box
 * close to confirmed boxes has its probabilities pulled toward their characters; a box unlike any
 * of them keeps the network's own reading. Per class; kept in the station database; resettable.
 */
import { COMB_CLASSES, combForward, SHAPE_FEATURES, type BoxReading, type CombChar, type CombNet } from './combNet';

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

/** The adaptation layer from stored crops (their network inputs and confirmed characters); crops of another character set are skipped. */
export function adaptationFrom(net: CombNet, crops: readonly { char: string; input: Float32Array }[], settings?: AdaptationSettings): Adaptation {
  const boxes: ConfirmedBox[] = [];
  for (const c of crops) {
    if (!(COMB_CLASSES as readonly string[]).includes(c.char)) continue;
    const cut = c.input.length - SHAPE_FEATURES;
    const t = combForward(net, { pixels: c.input.subarray(0, cut), shape: c.input.subarray(cut) });
    boxes.push({ embedding: t.hidden.slice(), char: c.char as CombChar });
  }
  return { boxes, ...(settings ? { settings } : {}) };
}

/** A box's network input as one array (what the station stores for a confirmed crop). */
export function storedInput(r: BoxReading): Float32Array {
  const out = new Float32Array(r.input.pixels.length + r.input.shape.length);
  out.set(r.input.pixels);
  out.set(r.input.shape, r.input.pixels.length);
  return out;
}
