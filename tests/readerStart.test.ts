import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../src/layout/printedPage';
import { sha256 } from '../src/scan/imageStore';
import { createPageReader, type ReadJob } from '../src/scan/pageReader';
import { REPO_ROOT } from '../src/station/context';
import { tesseractLangPath } from '../src/vision/decode';
import { createTesseractEngine, type OcrEngine } from '../src/vision/ocr';
import { removeStation } from './support/cleanup';
import { tempStation } from './support/station';

// The vision worker's reader (what each pool worker runs), in this process: real SQLite, sharp, zxing, tesseract.
const DIR = join(REPO_ROOT, 'fixtures', 'scans');
const job = (file: string): ReadJob => ({ path: join(DIR, file), sha256: sha256(readFileSync(join(DIR, file))), mediaType: 'image/jpeg' });

/** Tesseract engines made through this factory, and the recognitions asked of them. */
function countingTesseract() {
  const calls = { created: 0, recognized: 0 };
  const create = async (): Promise<OcrEngine> => {
    calls.created++;
    const engine = await createTesseractEngine({ langPath: tesseractLangPath('eng') });
    return { recognize: (img, o) => (calls.recognized++, engine.recognize(img, o)), terminate: () => engine.terminate() };
  };
  return { calls, create };
}

describe('the vision worker starts tesseract only for a field that needs it', () => {
  const ctx = tempStation();
  const engines: Promise<OcrEngine>[] = [];
  beforeAll(() => {
    const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
  });
  afterAll(async () => {
    for (const e of engines) await (await e).terminate();
    removeStation(ctx);
  });
  const setup = () => ({ dbPath: join(ctx.dir, 'station.db'), ocr: true });

  it('a page of write-ins and score boxes (no comb) is read without creating the engine', async () => {
    const { calls, create } = countingTesseract();
    const read = createPageReader(setup(), create);
    const page = await read(job('02-typical-upside-down.jpg'));
    expect(page.ok, JSON.stringify(page)).toBe(true);
    expect(calls).toEqual({ created: 0, recognized: 0 });
  }, 120_000);

  it('every golden page: the engine exists only if a field asked it for a reading, and the page reads as with an engine made before', async () => {
    const made = createTesseractEngine({ langPath: tesseractLangPath('eng') });
    engines.push(made);
    await made;
    const eager = createPageReader(setup(), () => made);
    const { calls, create } = countingTesseract();
    const lazy = createPageReader(setup(), create);
    for (const file of ['01-clean-upright.jpg', '03-harsh.jpg', '06-harsh-upside-down.jpg', '09-smudge.jpg']) {
      const a = await lazy(job(file));
      const b = await eager(job(file));
      expect(a.ok && b.ok, file).toBe(true);
      if (a.ok && b.ok) expect(a.fields, file).toEqual(b.fields);
      expect(calls.created, file).toBe(calls.recognized > 0 ? 1 : 0);
    }
  }, 240_000);

  it('a set-up that fails (no database) is each read\'s error', async () => {
    const read = createPageReader({ dbPath: join(ctx.dir, 'missing.db'), ocr: true });
    await expect(read(job('02-typical-upside-down.jpg'))).rejects.toThrow();
  }, 60_000);
});
