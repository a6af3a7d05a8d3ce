import { seededRng, type Rng } from '../domain/random';
import { DEFAULT_STATION_SETTINGS } from '../domain/settings';
import type { PrintedPage } from '../layout/printedPage';
import {
  applyScan, PROFILES, sampleScanParams, scanGeometry, type DegradationProfile, type ProfileName, type ScanParams,
} from './degrade';
import { DAMAGE_PROFILES, damagePage, streakThroughMark, type DamageKind, type DamageOptions, type DamageProfileName, type DamageTruth } from './damage';
import { applyH } from '../vision/homography';
import { drawAnswers } from './draw';
import type { LightInkLevel } from './pen';
import { encodeJpeg, encodePng } from './encode';
import { blankBack, foreignPage } from './foreign';
import { composeH, type Homography } from '../vision/homography';
import { sampleWriter } from './handwriting';
import type { GreyImage } from '../vision/image';
import { pxPerMm } from './image';
import { openPdf } from './render';
import {
  MARKINGS, planPage, TRUTH_FORMAT, type AnswerKey, type AnswerMode, type ImageTruth, type MarkingProfile, type TruthFile,
} from './truth';

export type StackOptions = {
  /** The printed PDF and its PrintedPages, in PDF page order (layout.json's `pages`). */
  pdf: Uint8Array;
  pages: readonly PrintedPage[];
  /** Scan resolution. Default 300. */
  dpi?: number;
  seed: number | string;
  /** How the fields are answered. Default 'random'. 'key' and 'mixed' need `answerKey`. */
  answers?: AnswerMode;
  /** For 'mixed': the probability an answered field is correct. Default 0.7. */
  correctRate?: number;
  answerKey?: AnswerKey;
  /** Scan degradations. Default 'typical'. */
  profile?: ProfileName | DegradationProfile;
  /** How marks look. Default: the marking of the same name as the profile (else 'typical'). */
  marking?: keyof typeof MARKINGS | MarkingProfile;
  /** After each printed page, add the scan of the sheet's unprinted back. Default false. */
  blankBacks?: boolean;
  /** Probability that an unprinted back shows the front through the paper. Default 0.5. */
  bleedThroughRate?: number;
  /** How many pages that are not ours to slip into the stack at random places. Default 0. */
  foreignPages?: number;
  /** Overrides the profile's rate of pages fed upside down. */
  upsideDownRate?: number;
  /** How many printed-page images to make, cycling through `pageIndices`. Default: one per page. */
  count?: number;
  /** Which PDF pages (0-based) to scan. Default: all. */
  pageIndices?: readonly number[];
  /** Output encoding. Default 'jpeg' (quality from the scan parameters). */
  format?: 'jpeg' | 'png';
  /** Physical damage to every printed page before it is scanned (damage.ts). Default none. */
  damage?: readonly DamageKind[];
  /** A named damage profile (damage.ts DAMAGE_PROFILES) instead of `damage`: the damage varies by page. */
  damageProfile?: DamageProfileName;
  /** Dark erasures' residue grey, as a fraction of the paper ([lightest, darkest] range; default 0.75–0.9). */
  erasureGrey?: readonly [number, number];
  /** The `light` pen style's grey level range (pen.ts LIGHT_INK_LEVEL, the default: 150–180 of 255). */
  lightInkLevel?: LightInkLevel;
  /** File name of stack position i. Default scan-0001.jpg … */
  fileName?: (index: number, ext: string) => string;
};

export type SynthImage = { fileName: string; bytes: Uint8Array; truth: ImageTruth };

type Entry = { kind: 'printed'; pdfPage: number } | { kind: 'back' } | { kind: 'foreign' };

function resolveProfile(p: StackOptions['profile']): DegradationProfile {
  if (p === undefined) return PROFILES.typical;
  if (typeof p === 'string') {
    const found = PROFILES[p];
    if (!found) throw new Error(`unknown degradation profile "${p}" (use clean, typical or harsh)`);
    return found;
  }
  return p;
}

function resolveMarking(o: StackOptions, profile: DegradationProfile): MarkingProfile {
  if (typeof o.marking === 'object') return o.marking;
  const name = o.marking ?? profile.name;
  return (MARKINGS as Record<string, MarkingProfile>)[name] ?? MARKINGS.typical;
}

/** The order of the stack: printed pages (each optionally followed by its back), foreign pages slipped in. */
function planStack(o: StackOptions, rng: Rng): Entry[] {
  const indices = o.pageIndices ?? o.pages.map((_, i) => i);
  const count = o.count ?? indices.length;
  const entries: Entry[] = [];
  for (let k = 0; k < count && indices.length; k++) {
    entries.push({ kind: 'printed', pdfPage: indices[k % indices.length]! });
    if (o.blankBacks) entries.push({ kind: 'back' });
  }
  for (let f = 0; f < (o.foreignPages ?? 0); f++) {
    // Never between a front and its back.
    const slots = [0, ...entries.map((e, i) => (e.kind === 'back' ? -1 : i + 1)).filter((i) => i > 0 && entries[i]?.kind !== 'back')];
    const at = slots[Math.floor(rng() * slots.length)] ?? entries.length;
    entries.splice(at, 0, { kind: 'foreign' });
  }
  return entries;
}

const defaultName = (i: number, ext: string) => `scan-${String(i + 1).padStart(4, '0')}.${ext}`;

/**
 * Generates a synthetic scanned stack from a printed PDF: renders each page, lets a simulated
 * student answer it (pen marks and handwriting), simulates the scanner, encodes the image, and
 * records the truth. Deterministic for a seed. Pages are rendered one at a time; the JPEG encoding
 * of one image overlaps the drawing of the next.
 */
export async function* generateStack(o: StackOptions): AsyncGenerator<SynthImage> {
  const dpi = o.dpi ?? DEFAULT_STATION_SETTINGS.scanDpi;
  const profile = resolveProfile(o.profile);
  const marking = resolveMarking(o, profile);
  const planOpts = { answers: o.answers ?? 'random', correctRate: o.correctRate ?? 0.7, marking, ...(o.answerKey ? { answerKey: o.answerKey } : {}) } as const;
  const ext = o.format === 'png' ? 'png' : 'jpg';
  const name = o.fileName ?? defaultName;
  const pdf = openPdf(o.pdf);
  try {
    if (pdf.pageCount !== o.pages.length)
      throw new Error(`the PDF has ${pdf.pageCount} pages but the layout lists ${o.pages.length}; use the layout.json written with this PDF`);
    for (const i of o.pageIndices ?? []) if (!(i >= 0 && i < o.pages.length)) throw new Error(`page index ${i} is outside the PDF (0..${o.pages.length - 1})`);
    const entries = planStack(o, seededRng(`${o.seed}/stack`));
    const s = pxPerMm(dpi);
    let front: { image: GreyImage; page: PrintedPage } | null = null;
    let pending: Promise<SynthImage> | null = null;
    const paperOf = () => front?.page.paper ?? o.pages[0]?.paper ?? { name: 'A4', widthMm: 210, heightMm: 297 };
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      const rng = seededRng(`${o.seed}/${index}`);
      let page: GreyImage;
      let base: Omit<ImageTruth, 'fileName' | 'index' | 'width' | 'height' | 'dpi' | 'scan' | 'mmToImage'>;
      if (entry.kind === 'printed') {
        const printed = o.pages[entry.pdfPage]!;
        page = pdf.render(entry.pdfPage, dpi);
        const plan = planPage(printed, rng, planOpts);
        const fields = drawAnswers(page, printed, plan, { dpi, rng, writer: sampleWriter(rng), lightInkLevel: o.lightInkLevel });
        base = { kind: printed.kind === 'blank_back' ? 'blank_back' : 'workbook', pageId: printed.pageId, printedKind: printed.kind, pdfPage: entry.pdfPage, fields };
        front = { image: page, page: printed };
      } else if (entry.kind === 'back') {
        const paper = paperOf();
        const bleed = rng() < (o.bleedThroughRate ?? 0.5) ? Math.round((0.02 + rng() * 0.06) * 1000) / 1000 : 0;
        page = blankBack(paper.widthMm, paper.heightMm, dpi, front?.image ?? null, bleed, rng);
        base = { kind: 'blank_back', pageId: null, printedKind: null, pdfPage: null, fields: [], bleedThrough: bleed };
      } else {
        const paper = paperOf();
        const f = foreignPage(paper.widthMm, paper.heightMm, dpi, rng);
        page = f.image;
        base = { kind: 'foreign', pageId: null, printedKind: null, pdfPage: null, fields: [], foreign: { qrText: f.qrText, cornerSquares: f.cornerSquares } };
      }
      let scan: ScanParams = sampleScanParams(profile, dpi, page.width, rng, o.upsideDownRate ?? profile.upsideDownRate);
      const asked: { kinds: readonly DamageKind[]; options?: DamageOptions } = o.damageProfile ? DAMAGE_PROFILES[o.damageProfile](index) : { kinds: o.damage ?? [] };
      if (entry.kind === 'printed' && asked.kinds.length) {
        const printed = o.pages[entry.pdfPage]!;
        const options = { ...asked.options, ...(o.erasureGrey ? { erasureGrey: o.erasureGrey } : {}) };
        const damaged: { damage: DamageTruth[]; fields: ImageTruth['fields'] } = damagePage(page, printed, base.fields, asked.kinds, dpi, scan.background, seededRng(`${o.seed}/${index}/damage`), options);
        base = { ...base, fields: damaged.fields, damage: damaged.damage };
        for (const d of damaged.damage) if (d.kind === 'rotation') scan = { ...scan, angleDeg: d.angleDeg };
        for (const d of damaged.damage)
          if (d.kind === 'mark_streak') {
            const toScan = scanGeometry(page.width, page.height, dpi, scan).pageToScan;
            scan = { ...scan, streak: streakThroughMark(printed, d, (x, y) => applyH(toScan, { x: x * s, y: y * s }).x, dpi) };
          }
      }
      const { image, pageToScan } = applyScan(page, dpi, scan, rng);
      const mmToImage: Homography = composeH(pageToScan, [s, 0, 0, 0, s, 0, 0, 0, 1]);
      const truth: ImageTruth = {
        fileName: name(index, ext), index, ...base, width: image.width, height: image.height, dpi, scan,
        mmToImage: mmToImage.map((v) => Math.round(v * 1e9) / 1e9 || 0),
      };
      const encoded = (o.format === 'png' ? encodePng(image) : encodeJpeg(image, scan.jpegQuality)).then((bytes) => ({ fileName: truth.fileName, bytes, truth }));
      encoded.catch(() => undefined);
      if (pending) yield await pending;
      pending = encoded;
    }
    if (pending) yield await pending;
  } finally {
    pdf.close();
  }
}

/** Collects a whole stack in memory (fine for tests and small stacks). */
export async function generateStackArray(o: StackOptions): Promise<SynthImage[]> {
  const out: SynthImage[] = [];
  for await (const img of generateStack(o)) out.push(img);
  return out;
}

/** The truth.json document for a generated stack. */
export function makeTruthFile(o: Pick<StackOptions, 'seed' | 'dpi' | 'profile' | 'answers' | 'pages'>, images: readonly ImageTruth[]): TruthFile {
  const profile = typeof o.profile === 'object' ? o.profile.name : (o.profile ?? 'typical');
  return { format: TRUTH_FORMAT, seed: o.seed, dpi: o.dpi ?? DEFAULT_STATION_SETTINGS.scanDpi, profile, answers: o.answers ?? 'random', jobId: o.pages[0]?.jobId ?? null, images: [...images] };
}
