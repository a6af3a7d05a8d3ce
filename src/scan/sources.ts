import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importFilePages } from '../../native-bridge/fileImport';
import { DEFAULT_STATION_SETTINGS } from '../domain/settings';
import type { IncomingImage } from './session';

const SCAN_FILE = /\.(jpe?g|png|tiff?|pdf|pgm|pnm|ppm|pbm)$/i;
const MULTI_PAGE_FILE = /\.(pdf|tiff?)$/i;

export type FilePage = IncomingImage & { source: string };

export type FilesOptions = {
  /** Resolution PDF pages are rendered at (default: the station's scanDpi default). */
  dpi?: number;
  /** Progress: a page of a multi-page file starts to render. */
  onRender?: (file: string, pageIndex: number, pageCount: number) => void;
};

/** What stands for a file that gave no image: a short note, so its refused row has evidence with a hash of its own. */
function refusedFile(source: string, reason: string, detail: string): FilePage {
  const evidence = new TextEncoder().encode(`paperloop could not read ${source}: ${reason}: ${detail}\n`);
  return { bytes: evidence, mediaType: 'application/octet-stream', source, refused: { reason, detail } };
}

/** The files a path stands for: a folder's scan files in name order, or the path itself. */
function filesOf(path: string): { files: string[] } | { refused: FilePage } {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    // Not there, a symlink loop, no permission: the import says which.
    return { files: [path] };
  }
  if (!isFolder) return { files: [path] };
  try {
    return { files: readdirSync(path).filter((f) => SCAN_FILE.test(f)).sort().map((f) => join(path, f)) };
  } catch (e) {
    return { refused: refusedFile(path, 'unreadable_file', `cannot list the folder ${path}: ${(e as Error).message}`) };
  }
}

/**
 * Expands paths (images, folders, multi-page PDFs and TIFFs) into a stream of page images, in
 * order, one page at a time. A file (or page) that cannot be read comes as a refused page with a
 * typed reason; the stream never throws for a bad file.
 */
export async function* filesAsPages(paths: readonly string[], options: FilesOptions = {}): AsyncGenerator<FilePage> {
  const { dpi = DEFAULT_STATION_SETTINGS.scanDpi, onRender } = options;
  for (const path of paths) {
    const listed = filesOf(path);
    if ('refused' in listed) {
      yield listed.refused;
      continue;
    }
    for (const file of listed.files) {
      let index = 0;
      for await (const page of importFilePages(file, { dpi, mode: 'gray', sourceName: file, ...(onRender ? { onRender: (i: number, n: number) => onRender(file, i, n) } : {}) })) {
        index++;
        if (!page.ok) yield refusedFile(file, page.error.reason, page.error.detail);
        else yield { bytes: page.value.bytes, mediaType: page.value.mediaType, source: MULTI_PAGE_FILE.test(file) ? `${file}#${index}` : file };
      }
    }
  }
}

