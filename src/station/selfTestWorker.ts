/**
 * One worker of approval's self-test pool: reads back one layout of a set's self-test PDF. The QR
 * reader loads once per worker; the PDF (shared, not copied) is opened once per approval.
 */
import type { StationSettings } from '../domain/settings';
import type { PrintedPage } from '../layout/printedPage';
import { readBackPage, type LayoutReadBack } from '../synth/readBack';
import { openPdf, type PdfRenderer } from '../synth/render';
import { zxingReaderWasm } from '../vision/decode';
import { createZxingQrReader, type QrReader } from '../vision/qr';
import { VisionSettings } from '../vision/settings';

export type ReadBackJob = { pdf: Uint8Array; pdfKey: string; index: number; page: PrintedPage; bubbles: StationSettings['reading']['bubbles'] };

let qr: Promise<QrReader> | null = null;
let opened: { key: string; pdf: PdfRenderer } | null = null;

export default async function readBackJob(job: ReadBackJob): Promise<LayoutReadBack> {
  qr ??= createZxingQrReader(zxingReaderWasm());
  if (opened?.key !== job.pdfKey) {
    opened?.pdf.close();
    opened = { key: job.pdfKey, pdf: openPdf(job.pdf.slice()) };
  }
  const pdf = opened.pdf;
  return readBackPage(job.page, { render: (dpi) => pdf.render(job.index, dpi), qr: await qr, settings: VisionSettings.parse({ bubbles: job.bubbles }) });
}
