/** The synthetic-scan generator: printed PDF + PrintedPages → scanned-looking images + truth. */
export type { GreyImage } from './image';
export { createImage, cloneImage, pxPerMm, meanDarknessInCircle, meanDarknessInRect, samePixels } from './image';
export { openPdf, renderPdfPages, type PdfRenderer } from './render';
export { markTarget, PEN_STYLES, SELECTING_STYLES, isSelecting, type PenStyle, type PenContext, type Tool } from './pen';
export { HANDWRITING_CHARS, canWrite, sampleWriter, writeChar, writeInBoxes, writeLine, charStrokes, type Writer } from './handwriting';
export {
  warp, rotate, rotate180, gaussianBlur, boxBlur, toneAndNoise, addStreak, applyScan, scanGeometry, sampleScanParams,
  PROFILES, NO_DEGRADATION, type ScanParams, type DegradationProfile, type ProfileName, type ToneNoise, type Streak,
} from './degrade';
export { homographyFromPoints, applyMat3, invert3, mul3, type Mat3 } from './geometry';
export { encodeJpeg, encodePng, decodeToGrey } from './encode';
export { foreignPage, blankBack, pagePixels } from './foreign';
export { drawAnswers, allTargets } from './draw';
export {
  TRUTH_FORMAT, TruthFile, ImageTruth, FieldTruth, MARKINGS, planPage, answerKeyFromItems, keyAnswerOf, formatForGrid,
  type AnswerKey, type KeyAnswer, type AnswerMode, type MarkingProfile, type Intent, type TargetPen,
} from './truth';
export { generateStack, generateStackArray, makeTruthFile, type StackOptions, type SynthImage } from './generate';
export { synthesizeToFolder, LayoutJson, type SynthesizeOptions } from './folder';
