import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import * as mupdf from 'mupdf';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/station/context';
import { printSet, writeStack } from './support/stack';
import { tempStation } from './support/station';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const GOOD_PAGES = 8;

function paperloop(dataDir: string, ...args: string[]) {
  // A hang (a FIFO opened for reading, /dev/zero read to the end) is killed and shows as a failed run.
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, PAPERLOOP_DATA: dataDir }, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A PNG chunk with its CRC, so a declared size is believed by every decoder. */
function pngWithSize(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG whose frame header (SOF) declares width × height; the scan data is a real 16×16 image. */
async function jpegWithSize(width: number, height: number): Promise<Buffer> {
  const jpg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } }).jpeg({ optimiseCoding: false }).toBuffer();
  for (let i = 2; i < jpg.length - 9; i++) {
    if (jpg[i] === 0xff && (jpg[i + 1] === 0xc0 || jpg[i + 1] === 0xc2)) {
      jpg.writeUInt16BE(height, i + 5);
      jpg.writeUInt16BE(width, i + 7);
      return jpg;
    }
  }
  throw new Error('no SOF marker');
}

function pdf(pages: number, saveOptions = '', sizePt: [number, number] = [595, 842]): Uint8Array {
  const doc = new mupdf.PDFDocument();
  for (let i = 0; i < pages; i++) doc.insertPage(-1, doc.addPage([0, 0, ...sizePt], 0, {}, ''));
  return doc.saveToBuffer(saveOptions).asUint8Array();
}

/**
 * Files a teacher's folder (or an attacker) can hold: each must become one refused row with a typed
 * reason, never a stack trace, and never cost the good pages read beside it.
 */
async function writeHostileFiles(dir: string, goodPage: Buffer): Promise<string[]> {
  const files: Record<string, Uint8Array | string> = {
    'scan-0001a-empty.jpg': new Uint8Array(0),
    'scan-0002a-truncated.jpg': goodPage.subarray(0, Math.floor(goodPage.length / 3)),
    'scan-0003a-truncated.png': (await sharp({ create: { width: 300, height: 300, channels: 3, background: '#fff' } }).png().toBuffer()).subarray(0, 60),
    'scan-0004a-zero-size.png': pngWithSize(0, 0),
    'scan-0005a-huge-declared.png': pngWithSize(100_000, 100_000),
    'scan-0005b-huge-declared.jpg': await jpegWithSize(65_000, 65_000),
    'scan-0006a-text.jpg': 'this is a shopping list, not a scan\n',
    'scan-0006b-no-pages.pdf': pdf(0),
    'scan-0007a-encrypted.pdf': pdf(1, 'encrypt=aes-256,user-password=secret,owner-password=owner'),
    'scan-0007c-huge-page.pdf': pdf(1, '', [14_400, 14_400]),
    'scan-0007b-corrupt.tif': Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(200, 0xab)]),
    'scan-0008a-one-pixel.png': await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer(),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  mkdirSync(join(dir, 'scan-0003b-folder.jpg'));
  symlinkSync('scan-0004b-loop.jpg', join(dir, 'scan-0004b-loop.jpg'));
  symlinkSync('/dev/zero', join(dir, 'scan-0006c-dev-zero.jpg'));
  expect(spawnSync('mkfifo', [join(dir, 'scan-0002b-fifo.jpg')]).status).toBe(0);
  return [...Object.keys(files), 'scan-0003b-folder.jpg', 'scan-0004b-loop.jpg', 'scan-0006c-dev-zero.jpg', 'scan-0002b-fifo.jpg'];
}

const STACK_TRACE = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
const TYPED_REASON = /^[a-z_]+: \S/;

describe('a folder of good pages with hostile files among them', () => {
  let ctx: ReturnType<typeof tempStation>;
  let stack: string;
  let hostile: string[];
  let goodPageIds: string[];

  beforeAll(async () => {
    ctx = tempStation();
    const printed = await printSet(ctx, '7A', 20, 'hostile');
    stack = join(ctx.dir, 'stack');
    const truths = await writeStack(ctx, stack, { pdf: printed.pdf, pages: printed.pages, seed: 'hostile', profile: 'clean', answers: 'mixed', count: GOOD_PAGES });
    goodPageIds = truths.map((t) => t.pageId!);
    rmSync(join(stack, 'truth.json'));
    hostile = await writeHostileFiles(stack, readFileSync(join(stack, truths[0]!.fileName)));
    ctx.db.close();
  }, 300_000);

  afterAll(() => rmSync(ctx.dir, { recursive: true, force: true }));

  it('paperloop read reports every hostile file as a typed refusal and reads the good pages', () => {
    const r = paperloop(ctx.dir, 'read', stack, '/dev/zero');
    expect(r.err).not.toMatch(STACK_TRACE);
    expect(r.code, r.err).toBe(0);
    const pages = (JSON.parse(r.out) as { pages: { source: string; ok: boolean; pageId?: string; reason?: string; detail?: string }[] }).pages;
    expect(pages.filter((p) => p.ok).map((p) => p.pageId).sort()).toEqual([...goodPageIds].sort());
    for (const name of [...hostile, '/dev/zero']) {
      const page = pages.find((p) => p.source.replace(/#\d+$/, '').endsWith(name));
      expect(page, name).toBeDefined();
      expect(page!.ok, name).toBe(false);
      expect(`${page!.reason}: ${page!.detail}`, name).toMatch(TYPED_REASON);
    }
  });

  it('paperloop ingest grades every good page once, refuses each hostile file in its own row, and ends the session', () => {
    const r = paperloop(ctx.dir, 'ingest', stack, '/dev/zero', '--json');
    expect(r.err).not.toMatch(STACK_TRACE);
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out) as { stored: number; graded: number; needsReview: number; blankBacks: number; refused: number; failed: number; notRead: string[] };
    expect(summary.graded + summary.needsReview + summary.blankBacks).toBe(GOOD_PAGES);
    expect(summary.refused).toBe(hostile.length + 1);
    expect(summary.failed).toBe(0);
    // The teacher is told which file was not read, and why.
    expect(summary.notRead.find((line) => line.includes('scan-0001a-empty.jpg'))).toMatch(/unreadable_image: .*empty file/);

    const db = new Database(join(ctx.dir, 'station.db'), { readonly: true });
    const rows = db.prepare('SELECT status, page_id AS pageId, reason FROM scanned_images ORDER BY id').all() as { status: string; pageId: string | null; reason: string | null }[];
    const sessions = db.prepare('SELECT status FROM scan_sessions').all() as { status: string }[];
    db.close();
    const graded = rows.filter((x) => x.status === 'graded' || x.status === 'needs_review');
    expect(graded.map((x) => x.pageId).sort()).toEqual([...goodPageIds].sort());
    const refused = rows.filter((x) => x.status === 'refused');
    expect(refused).toHaveLength(hostile.length + 1);
    for (const x of refused) expect(x.reason).toMatch(TYPED_REASON);
    for (const name of hostile.filter((n) => n !== 'scan-0008a-one-pixel.png')) expect(refused.some((x) => x.reason!.includes(name)), name).toBe(true);
    expect(refused.find((x) => x.reason!.includes('scan-0001a-empty.jpg'))!.reason).toMatch(/^unreadable_image: .*empty/);
    expect(rows.filter((x) => x.status === 'queued' || x.status === 'failed')).toEqual([]);
    expect(sessions.map((s) => s.status)).toEqual(['finished']);
  });
});
