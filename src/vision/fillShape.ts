/**
 * MEASURE where a target's ink lies inside it, not only how much there is. A pen or pencil fill
 * covers the inside evenly; erasure residue is patchy: part of the target rubbed clean, or
 * graphite left in grains. The inside is split into nine cells of about equal weight: a centre
 * disc (half the inner radius) and eight sectors of the ring around it.
 */

export type FillShape = {
  /** Mean darkness of the palest cell over the mean of the whole inside: 1 even, near 0 when part is clean. */
  evenness: number;
  /** Mean darkness of the centre disc over that of the ring around it. */
  centre: number;
  /** Pixel-to-pixel spread of darkness (standard deviation) over its mean: higher for grainy residue. */
  grain: number;
};

const CELLS = 9;

/** Collects one target's calibrated darkness samples (0..1) at offsets (px) from its centre. */
export class FillShapeCells {
  private readonly sum = new Float64Array(CELLS);
  private readonly count = new Uint32Array(CELLS);
  private readonly centreR2: number;
  private total = 0;
  private total2 = 0;
  private n = 0;

  /** innerPx: the radius (px) of the sampled inside. */
  constructor(innerPx: number) {
    this.centreR2 = (innerPx / 2) ** 2;
  }

  add(dx: number, dy: number, darkness: number): void {
    const cell = dx * dx + dy * dy < this.centreR2 ? 8 : octant(dx, dy);
    this.sum[cell]! += darkness;
    this.count[cell]!++;
    this.total += darkness;
    this.total2 += darkness * darkness;
    this.n++;
  }

  result(): FillShape {
    const mean = this.n > 0 ? this.total / this.n : 0;
    if (mean <= 0) return { evenness: 0, centre: 0, grain: 0 };
    let palest = Infinity;
    let ringSum = 0;
    let ringCount = 0;
    for (let c = 0; c < CELLS; c++) {
      if (this.count[c] === 0) continue;
      palest = Math.min(palest, this.sum[c]! / this.count[c]!);
      if (c < 8) {
        ringSum += this.sum[c]!;
        ringCount += this.count[c]!;
      }
    }
    const ring = ringCount > 0 ? ringSum / ringCount : 0;
    const centre = this.count[8]! > 0 ? this.sum[8]! / this.count[8]! : 0;
    const variance = Math.max(0, this.total2 / this.n - mean * mean);
    return { evenness: palest / mean, centre: ring > 0 ? centre / ring : 0, grain: Math.sqrt(variance) / mean };
  }
}

/** Which of eight 45° sectors an offset lies in, by comparisons only (no trigonometry per sample). */
function octant(dx: number, dy: number): number {
  const steep = Math.abs(dy) > Math.abs(dx);
  if (dx >= 0) return dy >= 0 ? (steep ? 1 : 0) : steep ? 6 : 7;
  return dy >= 0 ? (steep ? 2 : 3) : steep ? 5 : 4;
}
