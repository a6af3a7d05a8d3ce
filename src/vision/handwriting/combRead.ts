/**
 * A comb read by the comb network: measure each box's ink, read every written box, decide with the
 * answer-aware decoder (combDecode.ts). The adaptation layer, when given, blends in what the teacher
 * confirmed for this class. A text comb is the network's only when it knows every character of the
 * item's accepted answers; another goes to OCR (ocr.ts).
 */
import type { CombField } from '../../layout/printedPage';
import type { PageCalibration } from '../bubbles';
import { hasGap, hasInk, measureBoxInk, rectifyBox } from '../handwriting';
import type { Homography } from '../homography';
import { unionRect, type FieldRead } from '../interpret';
import type { VisionSettings } from '../settings';
import { adaptedProbabilities, evidenceBox, type Adaptation } from './adapt';
import { decodeComb, DEFAULT_COMB_DECODE, type CombDecodeSettings, type CombPrior } from './combDecode';
import { COMB_CLASSES, readCombBox, type BoxReading, type CombNet } from './combNet';
import { strokeGeometry } from './strokeGeometry';
import type { GreyImage } from '../image';

export type CombNetContext = { net: CombNet; prior: CombPrior; adaptation?: Adaptation; decode?: CombDecodeSettings };

/** What the station knows of one class's combs: the boxes its teacher confirmed, and its common wrong answers by item. */
export type CombClassContext = { adaptation?: Adaptation; commonWrong: (itemId: string) => readonly string[] };

/** An answer as the network writes it: lowercase, no spaces. */
export const asCombText = (answer: string) => answer.replace(/\s+/g, '').replace(/[−–—]/g, '-').toLowerCase();
const NET_CHARS: ReadonlySet<string> = new Set(COMB_CLASSES);

/** Does the network read this comb: every digit comb, and a text comb whose accepted answers it can write. */
export function netReadsComb(field: Pick<CombField, 'charset'>, answers: readonly string[] | undefined): boolean {
  return field.charset === 'digits' || (answers !== undefined && answers.length > 0 && answers.every((a) => [...asCombText(a)].every((ch) => NET_CHARS.has(ch))));
}

/** The decoder's prior for a comb: the item's accepted answers and the class's common wrong ones, as the network writes them. */
export function combPrior(answers: readonly string[] | undefined, commonWrong: readonly string[]): CombPrior {
  return { accepted: (answers ?? []).map(asCombText), commonWrong: commonWrong.map(asCombText) };
}

/**
 * The written boxes' readings, in order (null: a box with ink the network cannot normalise), and the
 * characters each box's stroke geometry rules out (strokeGeometry.ts).
 */
export function readWrittenBoxes(field: CombField, img: GreyImage, h: Homography, cal: PageCalibration, settings: VisionSettings, net: CombNet) {
  const ink = field.boxes.map((b) => measureBoxInk(img, h, b, cal, settings));
  const flags = ink.map((b) => hasInk(b, settings));
  const faint = ink.filter((b, i) => !flags[i] && b.inkMm2 > settings.handwriting.blankMaxInkMm2).length;
  const crops = field.boxes.filter((_, i) => flags[i]).map((b) => rectifyBox(img, h, b, settings.handwriting.insetMm));
  const readings: (BoxReading | null)[] = crops.map((crop) => readCombBox(net, crop));
  return { ink, gap: hasGap(flags), faint, readings, geometry: crops.map(strokeGeometry) };
}

export function readCombByNet(field: CombField, img: GreyImage, h: Homography, cal: PageCalibration, settings: VisionSettings, c: CombNetContext): FieldRead {
  const { ink, gap, faint, readings, geometry } = readWrittenBoxes(field, img, h, cal, settings, c.net);
  const base = { fieldId: field.id, itemId: field.itemId, kind: field.kind } as const;
  const evidence = { fills: ink.map((b, i) => ({ value: `box${i}`, fill: Math.round(b.inkMm2 * 100) / 100 })), crop: unionRect(ink.map((b) => b.crop)) };
  if (readings.length === 0) return { ...base, value: null, confidence: faint > 0 ? 0 : 1, status: faint > 0 ? 'review' : 'blank', reasons: faint > 0 ? ['faint_box'] : [], evidence };
  if (readings.some((r) => r === null)) return { ...base, value: null, confidence: 0, status: 'review', reasons: ['unreadable'], evidence };
  const probs = (readings as BoxReading[]).map((r) => (c.adaptation ? adaptedProbabilities(c.adaptation, r) : r.p));
  const d = decodeComb(probs, c.prior, c.decode ?? DEFAULT_COMB_DECODE, field.charset, geometry);
  const reasons = [...d.reasons, ...(gap ? ['gap_in_boxes'] : []), ...(faint > 0 ? ['faint_box'] : [])];
  const ok = d.accepted && reasons.length === 0;
  const p = d.candidates[0]?.posterior ?? 0;
  const confidence = Math.round((ok ? p : Math.min(settings.review.maxConfidence, p)) * 1000) / 1000;
  const candidates = d.candidates.map((x) => ({ text: x.text, confidence: Math.round(x.posterior * 1000) / 10 }));
  // A comb sent to review keeps what the network saw of each written box: the teacher's answer labels them (adapt.ts).
  const boxInputs = ok ? {} : { boxInputs: (readings as BoxReading[]).map(evidenceBox) };
  return { ...base, value: d.text, confidence, status: ok ? 'ok' : 'review', reasons, evidence: { ...evidence, candidates, ...boxInputs } };
}
