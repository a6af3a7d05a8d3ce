// Would a printed tone reference separate light pencil from dark residue? (issue 13, round 4; a feasibility study, not
// a reader). For every page of markReviews.ts dumps, patches of known ink (even fills inside a printed bubble outline,
// 0 / 15 / 25 / 27 / 40 %) are drawn on a small sheet, scanned with that page's own scan (blur, tone and clipping, and
// unless --ideal its unevenness, noise and JPEG) and measured by the reader's own bubble code. Each light-pencil fill
// and dark residue of the page is then read as ink through the patches' curve, and the main corpus's reviewed mark
// fields are counted again as if every faint fill at or above an ink threshold were a mark.
//   node --import tsx tools/toneReference.ts main.json damage.json [--ideal] [--repeat N] [--gain PTS]
// --ideal: the patches scanned without noise, unevenness or JPEG (the page's true tone curve: an oracle).
// --repeat N: N patches of each ink, averaged (a larger printed reference). --gain PTS: the printer prints the patches'
// tint off by PTS points at 50 % (dot gain, + darker; the usual halftone model c + g·4c(1−c)); never the pencil.
// A page whose patches do not read darker with more ink gets no curve: it is skipped, named on stderr and counted.
import { readFileSync } from 'node:fs';
import { seededRng } from '../src/domain/random';
import { encodeJpeg, decodeToGrey } from '../src/synth/encode';
import { fillRadial, fillRect, strokeCircle } from '../src/synth/raster';
import type { ScanParams } from '../src/synth/degrade';
import type { TargetPen } from '../src/synth/truth';
import { measureTargets } from '../src/vision/bubbles';
import type { Homography } from '../src/vision/homography';
import type { GreyImage } from '../src/vision/image';
import { pageFillStats, type FieldRead } from '../src/vision/interpret';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings';
import { gaussianBlur, toneAndNoise } from '../src/vision/testing/scan';

/** What this study needs of a markReviews.ts dump row. */
type Row = {
  profile: string;
  file: string;
  scan: ScanParams;
  damage?: { kind: string; fieldId?: string; value?: string; column?: number; grey?: number; smeared?: boolean; partial?: boolean }[];
  field: { id: string };
  truth: { pens?: TargetPen[] };
  read: Pick<FieldRead, 'status' | 'reasons' | 'evidence'>;
};
type Options = { ideal: boolean; repeat: number; gainPts: number };
type Fill = { key: string; pen: 'light' | 'erasure'; profile: string; even: boolean; over: number; ink: number };

const DPI = 300;
const PX = DPI / 25.4;
const PATCH_INK = [0, 0.15, 0.25, 0.27, 0.4];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The patches' measured fills over the empty patch, on a sheet scanned as this page was. */
async function patchFills(scan: ScanParams, seed: string, o: Options): Promise<number[]> {
  const W = Math.round(60 * PX);
  const H = Math.round(14 * PX);
  const sheet: GreyImage = { data: new Uint8Array(W * H).fill(255), width: W, height: H };
  fillRect(sheet, 2 * PX, 2 * PX, 8 * PX, 8 * PX, 0); // a registration mark: the page's ink level
  const targets = PATCH_INK.map((c, i) => ({ value: String(c), x: 14 + i * 9, y: 7, r: 2, shape: 'circle' as const }));
  for (const t of targets) {
    const c = Number(t.value);
    const printed = Math.min(1, Math.max(0, c + (o.gainPts / 100) * 4 * c * (1 - c)));
    if (printed > 0) fillRadial(sheet, t.x * PX, t.y * PX, t.r * PX + 2, () => t.r * PX, { level: Math.round(255 * (1 - printed)) });
    strokeCircle(sheet, t.x * PX, t.y * PX, t.r * PX, 0.3 * PX, { level: 0 });
  }
  let img = scan.blurSigmaPx > 0.05 ? gaussianBlur(sheet, scan.blurSigmaPx) : sheet;
  toneAndNoise(img, o.ideal ? { ...scan.tone, noiseSigma: 0, saltPepper: 0, unevenness: 0 } : scan.tone, seededRng(seed));
  if (!o.ideal) img = await decodeToGrey(await encodeJpeg(img, scan.jpegQuality));
  const sorted = Array.from(img.data).sort((a, b) => a - b);
  const paper = sorted[Math.floor(DEFAULT_VISION_SETTINGS.paper.percentile * sorted.length)]!;
  let ink = 0;
  let n = 0;
  for (let y = Math.round(4 * PX); y < 6 * PX; y++) for (let x = Math.round(4 * PX); x < 6 * PX; x++, n++) ink += img.data[y * W + x]!;
  const mmToPx: Homography = [PX, 0, 0, 0, PX, 0, 0, 0, 1];
  const fills = measureTargets(img, mmToPx, targets, { paper, ink: ink / n }, DEFAULT_VISION_SETTINGS).fills.map((f) => f.fill);
  return fills.map((f) => f - fills[0]!);
}

/**
 * The curve's points: (measured fill, ink) per patch. The 25 % patch (the dark residue's own ink) is printed and measured
 * but kept out: 2 points from the 27 % patch, less than a fill's scatter on a scan (±1.5–3 points, docs/reading.md), the
 * segment between them would take its slope from noise.
 */
function curvePoints(measured: readonly number[]): (readonly [number, number])[] {
  return PATCH_INK.map((c, i) => [measured[i]!, c] as const).filter(([, c]) => c !== 0.25);
}

/** Measured fill (over the empty level) → ink, piecewise linear through the curve's points (extended past the last); they must increase. */
function inkCurve(pts: readonly (readonly [number, number])[]): (fill: number) => number {
  return (f) => {
    let i = 1;
    while (i < pts.length - 1 && f > pts[i]![0]) i++;
    const [x0, y0] = pts[i - 1]!;
    const [x1, y1] = pts[i]!;
    return y0 + ((f - x0) * (y1 - y0)) / Math.max(1e-6, x1 - x0);
  };
}

/** The light fills and dark residues of every page read through its patches; a page whose patch fills do not increase with ink is skipped (said on stderr, named). */
async function study(rows: readonly Row[], o: Options): Promise<{ fills: Fill[]; skippedPages: string[] }> {
  const pages = new Map<string, Row[]>();
  for (const r of rows) pages.set(`${r.profile}/${r.file}`, [...(pages.get(`${r.profile}/${r.file}`) ?? []), r]);
  const out: Fill[] = [];
  const skippedPages: string[] = [];
  for (const [page, rs] of pages) {
    const level = Math.max(0, pageFillStats(rs.flatMap((r) => r.read.evidence.fills.map((f) => f.fill)), DEFAULT_VISION_SETTINGS.bubbles).level);
    const each = await Promise.all(Array.from({ length: o.repeat }, (_, i) => patchFills(rs[0]!.scan, `${page}/${i}`, o)));
    const pts = curvePoints(PATCH_INK.map((_, j) => each.reduce((a, c) => a + c[j]!, 0) / o.repeat));
    if (pts.some(([fill], i) => i > 0 && fill <= pts[i - 1]![0])) {
      console.error(`${page}: patch fills ${pts.map(([fill, ink]) => `${ink}: ${r3(fill)}`).join(', ')} do not increase with ink; page skipped`);
      skippedPages.push(page);
      continue;
    }
    const toInk = inkCurve(pts);
    for (const r of rs)
      for (const f of r.read.evidence.fills) {
        const [column, value] = f.value.includes(':') ? [Number(f.value.split(':')[0]), f.value.slice(f.value.indexOf(':') + 1)] : [undefined, f.value];
        const pen = r.truth.pens?.find((p) => p.value === value && p.column === column)?.pen;
        const dark = r.damage?.find((d) => d.kind === 'dark_erasure' && d.fieldId === r.field.id && d.value === value && d.column === column);
        if (pen !== 'light' && !(pen === 'erasure' && dark)) continue;
        const over = f.fill - level;
        out.push({ key: `${page}/${r.field.id}/${f.value}`, pen, profile: r.profile, even: !dark?.smeared && !dark?.partial, over, ink: toInk(over) });
      }
  }
  return { fills: out, skippedPages };
}

/** Reviewed mark fields still to review when every light fill at or above `t` (by `by`) were read as a mark. */
function stillToReview(rows: readonly Row[], fills: ReadonlyMap<string, Fill>, by: 'over' | 'ink', t: number): number {
  let left = 0;
  for (const r of rows) {
    if (r.read.status !== 'review') continue;
    const faint = r.read.reasons.filter((x) => x.startsWith('marginal_mark:')).map((x) => x.slice('marginal_mark:'.length));
    const others = r.read.reasons.filter((x) => !/^(marginal_mark|erased|faint_digit|point_implied)/.test(x));
    const settled = others.length === 0 && faint.length > 0 && faint.every((v) => {
      const f = fills.get(`${r.profile}/${r.file}/${r.field.id}/${v}`);
      return f?.pen === 'light' && f[by] >= t;
    });
    if (!settled) left++;
  }
  return left;
}


const args = process.argv.slice(2);
const VALUED = ['--repeat', '--gain'];
const [mainFile, damageFile] = args.filter((a, i) => !a.startsWith('--') && !VALUED.includes(args[i - 1] ?? ''));
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
if (!mainFile || !damageFile) {
  console.error('usage: toneReference.ts main.json damage.json [--ideal] [--repeat N] [--gain PTS]');
  process.exit(2);
}
const o: Options = { ideal: args.includes('--ideal'), repeat: opt('--repeat', 1), gainPts: opt('--gain', 0) };
if (!Number.isInteger(o.repeat) || o.repeat < 1) {
  console.error(`--repeat must be a whole number of patches per ink, 1 or more (got ${args[args.indexOf('--repeat') + 1]})`);
  process.exit(2);
}
if (!Number.isFinite(o.gainPts) || Math.abs(o.gainPts) > 50) {
  console.error(`--gain must be the printer's error in points at 50 % tint, between -50 and 50 (got ${args[args.indexOf('--gain') + 1]})`);
  process.exit(2);
}
const main = JSON.parse(readFileSync(mainFile, 'utf8')) as Row[];
const mainStudy = await study(main, o);
const mainFills = new Map(mainStudy.fills.map((f) => [f.key, f]));
const damageStudy = await study(JSON.parse(readFileSync(damageFile, 'utf8')) as Row[], o);
if (damageStudy.skippedPages.length > 0) {
  // A skipped damage page would silently drop its residues from residues_at_or_above.
  console.error(`damage pages skipped (their residues would be missing from the counts): ${damageStudy.skippedPages.join(', ')}. Fix: rescan or re-render those pages, or try --repeat 3`);
  process.exit(1);
}
const residue = damageStudy.fills.filter((f) => f.pen === 'erasure');
const reviewed = main.filter((r) => r.read.status === 'review').length;
const light = [...mainFills.values()].filter((f) => f.pen === 'light');
for (const by of ['over', 'ink'] as const) {
  const res = residue.map((f) => f[by]);
  console.log(JSON.stringify({ options: o, measure: by, pages_skipped: { main: mainStudy.skippedPages.length, damage: 0 }, light_fills: light.length, light_p0_p10_p50: [0, 0.1, 0.5].map((p) => r3(pct(light.map((f) => f[by]), p))), residues: residue.length, residue_p50_p90_max: [0.5, 0.9, 1].map((p) => r3(pct(res, p))) }));
  for (const t of by === 'ink' ? [0.27, 0.28, 0.29, 0.3, 0.31, 0.32] : [0.26, 0.27, 0.28, 0.29, 0.3, 0.31])
    console.log(JSON.stringify({ measure: by, threshold: t, main_fields_to_review: stillToReview(main, mainFills, by, t), of_reviewed: reviewed, residues_at_or_above: residue.filter((f) => f[by] >= t).length, even_unsmeared: residue.filter((f) => f.even && f[by] >= t).length }));
}
