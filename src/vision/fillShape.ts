/**
 * MEASURE where a target's ink lies inside it, not only how much there is. A pen or pencil fill
 * covers the inside evenly; erasure residue is patchy: part of the target rubbed clean, or
 * graphite left in grains. The inside is split into nine cells of about equal weight: a centre
 * disc (half the inner radius) and eight sectors of the ring around it. An eraser also drags
 * graphite past the target: a lighter band leaving it on one side, sampled on rings just outside
 * the printed outline in sixteen sectors.
 */

export type FillShape = {
  /** Mean darkness of the palest cell over the mean of the whole inside: 1 even, near 0 when part is clean. */
  evenness: number;
  /** Mean darkness of the centre disc over that of the ring around it. */
  centre: number;
  /** Pixel-to-pixel spread of darkness (standard deviation) over its mean: higher for grainy residue. */
  grain: number;
  /**
   * A lighter band leaving the target on one side: the darkest 45° (two adjacent sectors) of the rings just outside the
   * outline, above the rings' median sector, over the inside's mean darkness. Sectors holding dark ink (a stroke, a
   * neighbour's outline) are left out. Near 0 for a fill that stays inside its outline. (Absent from reads stored
   * before it was measured.)
   */
  outside?: number;
  /**
   * The darkest single sample of that band, above the rings' median sector, over the inside's mean darkness: near 1
   * when the band is the fill's own grey (a pencil stroke past the outline), about half for graphite an eraser
   * dragged. (Absent from reads stored before it was measured.)
   */
  outsidePeak?: number;
};

const CELLS = 9;
const SECTORS = 16;

/** Collects one target's calibrated darkness samples (0..1) at offsets (px) from its centre. */
export class FillShapeCells {
  private readonly sum = new Float64Array(CELLS);
  private readonly count = new Uint32Array(CELLS);
  private readonly centreR2: number;
  private total = 0;
  private total2 = 0;
  private n = 0;
  private readonly ringSum = new Float64Array(SECTORS);
  private readonly ringCount = new Uint32Array(SECTORS);
  private readonly ringDark = new Uint8Array(SECTORS);
  private readonly ringMax = new Float64Array(SECTORS);

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

  /** A sample just outside the target's outline; `dark`: dark ink there (a stroke, not graphite an eraser dragged). */
  addOutside(dx: number, dy: number, darkness: number, dark: boolean): void {
    const s = Math.min(SECTORS - 1, Math.floor(((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * SECTORS));
    this.ringSum[s]! += darkness;
    this.ringCount[s]!++;
    this.ringMax[s] = Math.max(this.ringMax[s]!, darkness);
    if (dark) this.ringDark[s] = 1;
  }

  result(): FillShape {
    const mean = this.n > 0 ? this.total / this.n : 0;
    if (mean <= 0) return { evenness: 0, centre: 0, grain: 0, outside: 0, outsidePeak: 0 };
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
    const band = this.band();
    return { evenness: palest / mean, centre: ring > 0 ? centre / ring : 0, grain: Math.sqrt(variance) / mean, outside: band.mean / mean, outsidePeak: band.peak / mean };
  }

  /**
   * The darkest two adjacent sectors without dark ink, above the median sector: their mean and their darkest sample
   * (both 0 when a sector has no sample).
   */
  private band(): { mean: number; peak: number } {
    const means: number[] = [];
    for (let s = 0; s < SECTORS; s++) {
      if (this.ringCount[s] === 0) return { mean: 0, peak: 0 };
      means.push(this.ringSum[s]! / this.ringCount[s]!);
    }
    const sorted = [...means].sort((a, b) => a - b);
    const median = (sorted[SECTORS / 2 - 1]! + sorted[SECTORS / 2]!) / 2;
    let best = { mean: 0, peak: 0 };
    for (let s = 0; s < SECTORS; s++) {
      const next = (s + 1) % SECTORS;
      const band = (means[s]! + means[next]!) / 2 - median;
      if (!this.ringDark[s] && !this.ringDark[next] && band > best.mean) best = { mean: band, peak: Math.max(0, Math.max(this.ringMax[s]!, this.ringMax[next]!) - median) };
    }
    return best;
  }
}

/** Which of eight 45° sectors an offset lies in, by comparisons only (no trigonometry per sample). */
function octant(dx: number, dy: number): number {
  const steep = Math.abs(dy) > Math.abs(dx);
  if (dx >= 0) return dy >= 0 ? (steep ? 1 : 0) : steep ? 6 : 7;
  return dy >= 0 ? (steep ? 2 : 3) : steep ? 5 : 4;
}
