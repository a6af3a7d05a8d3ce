export * from './printedPage';
export { PageStyle, A4_STYLE } from './pageStyle';
export { layoutWorkbook, layoutVersionOf, registrationMarks, qrBox, type WorkbookToLayOut, type LaidOutPage } from './layoutWorkbook';
export { wrapText, lineHeightMm, PT_TO_MM, type MeasureText } from './text';
export { encodeQrPayload, decodeQrPayload, type QrPayload, type QrPayloadError } from './qrPayload';
export type { DrawOp, Colour } from './drawOps';
export { geometryProblems, fieldRects } from './geometry';
