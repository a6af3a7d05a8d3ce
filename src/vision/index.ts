/**
 * Vision: reads scanned PaperLoop pages. Pure stages over typed arrays (plus zxing / tesseract
 * wasm); decode.ts is the only node-only module and is exported separately as './decode'.
 *
 *   const page = await decodeImage(bytes);                       // ./decode (node)
 *   const qr = await createZxingQrReader(zxingReaderWasm());     // once per worker
 *   const read = await readPage(page, { lookupPage, qr, ocr });  // PageRead
 */
export { readPage, type PageRead, type PageFailureReason, type ReadPageDeps, type StageTimings } from './readPage';
export { VisionSettings, DEFAULT_VISION_SETTINGS, type FillBand } from './settings';
export { pageFromGrey, chooseDpi, measurePageInk, type DecodedPage } from './page';
export type { GreyImage, PxRect, Point } from './image';
export { crop, sample, bilinear, downsample } from './image';
export { findMarks, type MeasuredMark, type MarkSearch, type MarkFailure } from './marks';
export { orientMarks, type Orientation, type OrientedMarks } from './orientation';
export { solveHomography, applyH, invertH, type Homography, type PointPair } from './homography';
export { createZxingQrReader, findQr, qrSearchRect, type QrReader, type QrHit } from './qr';
export { calibratePage, measureTargets, type PageCalibration, type TargetFill, type TargetsMeasure } from './bubbles';
export { measureBoxInk, rectifyBox, type BoxInk } from './handwriting';
export {
  classifyFills,
  interpretBubbles,
  interpretDigitGrid,
  interpretScore,
  canonicalNumber,
  type FieldRead,
  type FieldStatus,
  type OcrCandidate,
} from './interpret';
export { createTesseractEngine, readComb, readWriteIn, rankCandidates, type OcrEngine, type Psm } from './ocr';
export { readField, readFields, type FieldContext } from './fields';
