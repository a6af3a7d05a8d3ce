import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importFile } from '../../native-bridge/fileImport';
import type { IncomingImage } from './session';

const SCAN_FILE = /\.(jpe?g|png|tiff?|pdf|pgm|pnm|ppm|pbm)$/i;

/** Expands paths (images, folders, multi-page PDFs and TIFFs) into a stream of page images, in order. */
export async function* filesAsPages(paths: readonly string[], dpi = 300): AsyncGenerator<IncomingImage & { source: string }> {
  for (const path of paths) {
    const files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => SCAN_FILE.test(f)).sort().map((f) => join(path, f))
      : [path];
    for (const file of files) {
      const pages = await importFile(file, { dpi, mode: 'gray' });
      if (!pages.ok) throw new Error(`${file}: ${pages.error.message}${pages.error.detail ? ` (${pages.error.detail})` : ''}`);
      for (const [i, page] of pages.value.entries()) yield { bytes: page.bytes, mediaType: page.mediaType, source: pages.value.length > 1 ? `${file}#${i + 1}` : file };
    }
  }
}
