/**
 * One vision worker of the pool: decodes a stored image and reads it. wasm (zxing) and the OCR
 * engine load once per worker. It opens the station database read-only to look up printed pages;
 * it never writes (the session's single writer does).
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

/** `reading`: the station's own mark thresholds (settings.json "reading"), over the reader's defaults. */
export type ReadJob = { path: string; sha256: string; mediaType: string; dbPath: string; ocr: boolean; reading?: StationSettings['reading'] };

type WorkerState = {
  qr: QrReader; ocr: OcrEngine | undefined; digits: DigitNet | undefined; db: Database.Database; lookup: Database.Statement; answers: Database.Statement;
  /** What the station learned of each class's combs (comb_crops, wrong answers), cached per class. */
  combClasses: ReturnType<typeof combClassCache> | undefined; classOf: Database.Statement;
};
let state: Promise<WorkerState> | null = null;
/** The reader's settings for the last thresholds seen (a session's jobs all carry the same). */
let vision = { key: '{}', settings: DEFAULT_VISION_SETTINGS };
function visionSettingsFor(reading: ReadJob['reading']): VisionSettings {
  const key = JSON.stringify(reading?.bubbles ?? {});
  if (key !== vision.key) vision = { key, settings: VisionSettings.parse({ bubbles: reading?.bubbles ?? {} }) };
  return vision.settings;
}

async function init(job: ReadJob): Promise<WorkerState> {
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const digits = job.ocr ? loadDigitNet() : undefined;
  return {
    qr: await createZxingQrReader(zxingReaderWasm()),
    ocr: job.ocr ? lazyOcrEngine(() => createTesseractEngine({ langPath: tesseractLangPath('eng') }), { startNow: true }) : undefined,
    digits,
    db,
    combClasses: digits?.comb ? combClassCache(db, digits.comb) : undefined,
    classOf: db.prepare('SELECT class_id FROM printed_pages WHERE page_id = ?'),
    lookup: db.prepare('SELECT page_json FROM printed_pages WHERE page_id = ?'),
    answers: db.prepare('SELECT content_json FROM items WHERE id = ? AND is_current = 1'),
  };
}

function acceptedAnswers(s: WorkerState, itemId: string): string[] | undefined {
  const row = s.answers.get(itemId) as { content_json: string } | undefined;
  if (!row) return undefined;
  const item = JSON.parse(row.content_json) as ItemInput;
  if (item.type === 'short_text') return item.answer;
  if (item.type === 'numeric') return [String(item.answer)];
  return undefined;
}

export default async function readStoredImage(job: ReadJob): Promise<ReadOutcome> {
  const t0 = performance.now();
  state ??= init(job);
  const s = await state;
  const bytes = readFileSync(job.path);
  if (sha256(bytes) !== job.sha256) return { ok: false, reason: 'corrupt_image', detail: `${job.path} does not match its hash`, ms: performance.now() - t0 };
  let decoded: DecodedPage;
  try {
    decoded = await decodeImage(bytes);
  } catch (e) {
    // The bytes are not a decodable image (truncated, corrupt): a refusal of this image, not a failure of the reader.
    return { ok: false, reason: 'unreadable_image', detail: `cannot decode the image: ${(e as Error).message}`, ms: performance.now() - t0 };
  }
  const read = await readPage(decoded, {
    lookupPage: (id) => {
      const row = s.lookup.get(id) as { page_json: string } | undefined;
      return row ? (JSON.parse(row.page_json) as PrintedPage) : null;
    },
    qr: s.qr,
    settings: visionSettingsFor(job.reading),
    ...(s.ocr ? { ocr: s.ocr } : {}),
    ...(s.digits ? { digits: s.digits } : {}),
    answers: (itemId) => acceptedAnswers(s, itemId),
    combClass: (page) => {
      const row = s.classOf.get(page.pageId) as { class_id: string } | undefined;
      return row && s.combClasses?.ofClass(row.class_id);
    },
  });
  const ms = performance.now() - t0;
  if (!read.ok) return { ok: false, reason: read.reason, detail: read.detail, ...(read.pageId ? { pageId: read.pageId } : {}), ms };
  return {
    ok: true,
    pageId: read.pageId,
    layoutVersion: read.page.layoutVersion,
    orientation: read.orientation,
    fields: read.fields.map((f) => ({ fieldId: f.fieldId, itemId: f.itemId, value: f.value, confidence: f.confidence, status: f.status, reasons: f.reasons, evidence: f.evidence })),
    ms,
  };
}
