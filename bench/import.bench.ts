// A 200-page scanned PDF (A4, 300 dpi grey JPEG pages) rendered for the scan session:
// page by page as the session pulls (`filesAsPages`) against all pages first (`importFile`, which the
// hot-folder and replay drivers still use). Each mode runs in its own process, so peak RSS is its own.
// Run: node --import tsx bench/import.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';
import { importFile } from '../native-bridge/fileImport';
import { filesAsPages } from '../src/scan/sources';
import { REPO_ROOT } from '../src/station/context';

const PAGES = 200;
const A4_300DPI = { width: 2480, height: 3508 };
const CACHE = join(REPO_ROOT, 'bench', '.cache');
const PDF_PATH = join(CACHE, `import-${PAGES}.pdf`);

const out = (figure: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'import', figure, value: Math.round(value * 10) / 10, unit, ...extra }));

/** Scan-like pages: white paper, seeded dark marks, a per-page bar, so no two are the same image (~0.3 MB JPEG each). */
async function makePdf(): Promise<void> {
  const doc = await PDFDocument.create();
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < PAGES; i++) {
    const marks = Array.from({ length: 400 }, () => `<rect x="${Math.round(next() * 2300)}" y="${Math.round(next() * 3300)}" width="${Math.round(20 + next() * 160)}" height="${Math.round(6 + next() * 30)}" fill="#222"/>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${A4_300DPI.width}" height="${A4_300DPI.height}"><rect width="100%" height="100%" fill="#f4f4f0"/>${marks}<rect x="100" y="100" width="${200 + i * 5}" height="40" fill="#000"/></svg>`;
    const jpeg = await sharp(Buffer.from(svg)).grayscale().jpeg({ quality: 80 }).toBuffer();
    const image = await doc.embedJpg(jpeg);
    const page = doc.addPage([595.28, 841.89]);
    page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(PDF_PATH, await doc.save());
}

async function measure(mode: 'stream' | 'collect'): Promise<void> {
  const t0 = performance.now();
  let first = 0;
  let pages = 0;
  if (mode === 'stream') {
    for await (const page of filesAsPages([PDF_PATH])) {
      if (page.refused) throw new Error(page.refused.detail);
      if (pages++ === 0) first = performance.now() - t0;
    }
  } else {
    const all = await importFile(PDF_PATH, { dpi: 300, mode: 'gray' });
    if (!all.ok) throw new Error(all.error.message);
    first = performance.now() - t0;
    pages = all.value.length;
  }
  const extra = { mode, pages };
  out('first_page_ready', first, 'ms', extra);
  out('all_pages', performance.now() - t0, 'ms', extra);
  out('peak_rss', process.resourceUsage().maxRSS / 1024, 'MB', extra);
}

const mode = process.argv[2];
if (mode === 'stream' || mode === 'collect') await measure(mode);
else {
  if (!existsSync(PDF_PATH)) await makePdf();
  for (const m of ['stream', 'collect']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, m], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
