/** The synthetic-scan generator: printed PDF + PrintedPages → scanned-looking images + truth. */
export { createImage, type GreyImage } from '../vision/image';
export { cloneImage, pxPerMm, meanDarknessInCircle, meanDarknessInRect, samePixels } from './image';
export { openPdf, renderPdfPages, type PdfRenderer } from './render';
export { markTarget, PEN_STYLES, SELECTING_STYLES, isSelecting, type PenStyle, type PenContext, type Tool } from './pen';
export { HANDWRITING_CHARS, canWrite, sampleWriter, writeChar, writeInBoxes, writeLine, charStrokes, type Writer } from './handwriting';
export { warp, rotate, rotate180, gaussianBlur, boxBlur, toneAndNoise, addStreak, type ToneNoise, type Streak } from '../vision/testing/scan';
export { applyScan, scanGeometry, sampleScanParams, PROFILES, NO_DEGRADATION, type ScanParams, type DegradationProfile, type ProfileName } from './degrade';
export { solveHomography, applyH, invertH, composeH, type Homography } from '../vision/homography';
export { encodeJpeg, encodePng, decodeToGrey } from './encode';
export { foreignPage, blankBack, pagePixels } from './foreign';
export { drawAnswers, allTargets } from './draw';
export {
  TRUTH_FORMAT, TruthFile, ImageTruth, FieldTruth, MARKINGS, planPage, answerKeyFromItems, keyAnswerOf, formatForGrid,
  type AnswerKey, type KeyAnswer, type AnswerMode, type MarkingProfile, type Intent, type TargetPen,
} from './truth';
export { generateStack, generateStackArray, makeTruthFile, type StackOptions, type SynthImage } from './generate';
export { synthesizeToFolder, LayoutJson, type SynthesizeOptions } from './folder';
