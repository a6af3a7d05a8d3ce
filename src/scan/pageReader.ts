/**
 * What a vision worker runs: decodes a stored image and reads it. Its set-up (the station database, read-only, to
 * look up printed pages; zxing; the digit and comb networks) starts when the reader is created, before any job.
 * Tesseract starts at the first field only it can read (lazyOcrEngine): a page without one neither starts nor waits
 * for it. It never writes (the session's single writer does).
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import type { ItemInput } from '../domain/item';
import type { StationSettings } from '../domain/settings';
import type { PrintedPage } from '../layout/printedPage';
import type { DigitNet } from '../vision/digits';
import { decodeImage, loadDigitNet, tesseractLangPath, zxingReaderWasm } from '../vision/decode';
import type { DecodedPage } from '../vision/page';
import { createTesseractEngine, lazyOcrEngine, type OcrEngine } from '../vision/ocr';
import { createZxingQrReader, type QrReader } from '../vision/qr';
import { readPage } from '../vision/readPage';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from '../vision/settings';
import { combClassCache } from './combClasses';
import { sha256 } from './imageStore';
import type { ReadOutcome } from './session';

/** What a reader is set up with (a pool gives it to every worker as Piscina `workerData`): nothing from a job. */
export type ReaderSetup = { dbPath: string; ocr: boolean };

/** `reading`: the station's own mark thresholds (settings.json "reading"), over the reader's defaults. */
export type ReadJob = { path: string; sha256: string; mediaType: string; reading?: StationSettings['reading'] };

type Loaded = {
  qr: QrReader; ocr: OcrEngine | undefined; digits: DigitNet | undefined; db: Database.Database;
  /** What the station learned of each class's combs (comb_crops, wrong answers), cached per class. */
  combClasses: ReturnType<typeof combClassCache> | undefined;
};
/** Prepared at the first job: the main thread may still be migrating the database while the worker loads. */
type Queries = { lookup: Database.Statement; answers: Database.Statement; classOf: Database.Statement };
const queriesOf = (db: Database.Database): Queries => ({
  classOf: db.prepare('SELECT class_id FROM printed_pages WHERE page_id = ?'),
  lookup: db.prepare('SELECT page_json FROM printed_pages WHERE page_id = ?'),
  answers: db.prepare('SELECT content_json FROM items WHERE id = ? AND is_current = 1'),
});

/** The reader's settings for the last thresholds seen (a session's jobs all carry the same). */
let vision = { key: '{}', settings: DEFAULT_VISION_SETTINGS };
function visionSettingsFor(reading: ReadJob['reading']): VisionSettings {
  const key = JSON.stringify(reading?.bubbles ?? {});
  if (key !== vision.key) vision = { key, settings: VisionSettings.parse({ bubbles: reading?.bubbles ?? {} }) };
  return vision.settings;
}

const tesseract = () => createTesseractEngine({ langPath: tesseractLangPath('eng') });

async function load(setup: ReaderSetup, createOcr: () => Promise<OcrEngine>): Promise<Loaded> {
  const db = new Database(setup.dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const qr = createZxingQrReader(zxingReaderWasm());
  const digits = setup.ocr ? loadDigitNet() : undefined;
  return {
    qr: await qr,
    ocr: setup.ocr ? lazyOcrEngine(createOcr) : undefined,
    digits,
    db,
    combClasses: digits?.comb ? combClassCache(db, digits.comb) : undefined,
  };
}

function acceptedAnswers(q: Queries, itemId: string): string[] | undefined {
  const row = q.answers.get(itemId) as { content_json: string } | undefined;
  if (!row) return undefined;
  const item = JSON.parse(row.content_json) as ItemInput;
  if (item.type === 'short_text') return item.answer;
  if (item.type === 'numeric') return [String(item.answer)];
  return undefined;
}

/**
 * The share of blank pages in the stack so far (an exponential average over about the last ten pages), from which a
 * reader chooses how to decode a grey JPEG: a blank back costs ~16 ms shrunk on load against ~85 decoded in full (its
 * scanner noise is expensive to decode), a page with fields ~16 ms more when shrunk first. Shrinking first pays from
 * a blank share of about 0.2 (docs/benchmarks.md); a duplex stack of one-sided pages is half blank.
 */
export const BLANK_SHARE_START = 0.5;
export const GREY_COARSE_FIRST_FROM = 0.2;
export const nextBlankShare = (share: number, blank: boolean): number => share + 0.1 * ((blank ? 1 : 0) - share);

/**
 * A reader of stored images that starts setting itself up now; `createOcr` makes the OCR engine when a field first
 * needs one. A failed set-up (no database) is each read's error.
 */
export function createPageReader(setup: ReaderSetup, createOcr: () => Promise<OcrEngine> = tesseract): (job: ReadJob) => Promise<ReadOutcome> {
  const loading = load(setup, createOcr);
  loading.catch(() => undefined); // not unhandled: the first read rethrows it
  let queries: Queries | undefined;
  let blankShare = BLANK_SHARE_START;
  return async (job) => {
    const t0 = performance.now();
    const bytes = readFileSync(job.path);
    if (sha256(bytes) !== job.sha256) return { ok: false, reason: 'corrupt_image', detail: `${job.path} does not match its hash`, ms: performance.now() - t0 };
    // The decode runs in libvips' threads while the set-up finishes.
    const decoding = decodeImage(bytes, { greyCoarseFirst: blankShare >= GREY_COARSE_FIRST_FROM }).then(
      (page): { page: DecodedPage } => ({ page }),
      (e: Error) => ({ error: e }),
    );
    const s = await loading;
    const q = (queries ??= queriesOf(s.db));
    const decoded = await decoding;
    // The bytes are not a decodable image (truncated, corrupt): a refusal of this image, not a failure of the reader.
    if ('error' in decoded) return { ok: false, reason: 'unreadable_image', detail: `cannot decode the image: ${decoded.error.message}`, ms: performance.now() - t0 };
    const read = await readPage(decoded.page, {
      lookupPage: (id) => {
        const row = q.lookup.get(id) as { page_json: string } | undefined;
        return row ? (JSON.parse(row.page_json) as PrintedPage) : null;
      },
      qr: s.qr,
      settings: visionSettingsFor(job.reading),
      ...(s.ocr ? { ocr: s.ocr } : {}),
      ...(s.digits ? { digits: s.digits } : {}),
      answers: (itemId) => acceptedAnswers(q, itemId),
      combClass: (page) => {
        const row = q.classOf.get(page.pageId) as { class_id: string } | undefined;
        return row && s.combClasses?.ofClass(row.class_id);
      },
    });
    const ms = performance.now() - t0;
    blankShare = nextBlankShare(blankShare, read.ok ? read.fields.length === 0 : read.reason === 'blank_page');
    if (!read.ok) return { ok: false, reason: read.reason, detail: read.detail, ...(read.pageId ? { pageId: read.pageId } : {}), ms };
    return {
      ok: true,
      pageId: read.pageId,
      layoutVersion: read.page.layoutVersion,
      orientation: read.orientation,
      fields: read.fields.map((f) => ({ fieldId: f.fieldId, itemId: f.itemId, value: f.value, confidence: f.confidence, status: f.status, reasons: f.reasons, evidence: f.evidence })),
      ms,
    };
  };
}

