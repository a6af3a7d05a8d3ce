import * as mupdf from 'mupdf';
import type { GreyImage } from '../vision/image';

/** An open PDF that renders one page at a time (a 300 dpi A4 page is ~8.7 MB, so a stack is never held whole). */
export type PdfRenderer = {
  pageCount: number;
  /** Renders page `index` (0-based) at `dpi` to a grey image. Pixel (0,0) is the paper's top-left corner. */
  render(index: number, dpi: number): GreyImage;
  close(): void;
};

export function openPdf(bytes: Uint8Array): PdfRenderer {
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  let closed = false;
  return {
    pageCount: doc.countPages(),
    render(index, dpi) {
      if (closed) throw new Error('openPdf: renderer is closed');
      const page = doc.loadPage(index);
      try {
        const pixmap = page.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceGray, false);
        try {
          return pixmapToGrey(pixmap);
        } finally {
          pixmap.destroy();
        }
      } finally {
        page.destroy();
      }
    },
    close() {
      if (closed) return;
      closed = true;
      doc.destroy();
    },
  };
}

function pixmapToGrey(pixmap: mupdf.Pixmap): GreyImage {
  const width = pixmap.getWidth();
  const height = pixmap.getHeight();
  const stride = pixmap.getStride();
  const n = pixmap.getNumberOfComponents();
  if (n !== 1) throw new Error(`render: expected a 1-component grey pixmap, got ${n} components`);
  const px = pixmap.getPixels();
  const data = new Uint8Array(width * height);
  if (stride === width) data.set(px.subarray(0, width * height));
  else for (let y = 0; y < height; y++) data.set(px.subarray(y * stride, y * stride + width), y * width);
  return { data, width, height };
}

/** Renders every page of a PDF (convenient for small documents and tests). */
export function renderPdfPages(bytes: Uint8Array, dpi: number): GreyImage[] {
  const pdf = openPdf(bytes);
  try {
    return Array.from({ length: pdf.pageCount }, (_, i) => pdf.render(i, dpi));
  } finally {
    pdf.close();
  }
}
