import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBytesPages, importFilePages, MAX_PAGE_PIXELS, type ImportedPage } from './fileImport';

async function all(pages: AsyncIterable<ImportedPage>): Promise<ImportedPage[]> {
  const out: ImportedPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** A PDF of blank pages of the given sizes in points. */
function pdfOfPages(sizes: [number, number][]): Uint8Array {
  const doc = new mupdf.PDFDocument();
  for (const [w, h] of sizes) doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, {}, ''));
  return doc.saveToBuffer('').asUint8Array();
}

describe('importing a file page by page', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperloop-pages-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses only the page of a PDF that is too large, and keeps the pages around it', async () => {
    const huge = Math.ceil((Math.sqrt(MAX_PAGE_PIXELS) * 2 * 72) / 300);
    const pages = await all(importBytesPages(pdfOfPages([[595, 842], [huge, huge], [595, 842]]), { dpi: 300, mode: 'gray', sourceName: 'mixed.pdf' }));
    expect(pages.map((p) => (p.ok ? 'ok' : p.error.reason))).toEqual(['ok', 'image_too_large', 'ok']);
    expect(pages[1]!.ok ? '' : pages[1]!.error.detail).toMatch(/^mixed\.pdf page 2 declares \d+×\d+ pixels/);
  });

  it('gives a typed refusal, never an exception, for files that are not page images', async () => {
    await writeFile(join(dir, 'empty.png'), new Uint8Array(0));
    const cases: [string, string][] = [
      [join(dir, 'empty.png'), 'unreadable_image'],
      [join(dir, 'missing.png'), 'unreadable_file'],
      [dir, 'unreadable_file'],
      ['/dev/zero', 'unreadable_file'],
    ];
    for (const [path, reason] of cases) {
      const pages = await all(importFilePages(path));
      expect(pages.map((p) => (p.ok ? 'ok' : p.error.reason)), path).toEqual([reason]);
    }
  });
});
