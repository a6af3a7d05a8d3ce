import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PDFDocument } from '@cantoo/pdf-lib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageTruth } from '../src/synth/truth';
import { invoke } from '../src/station/invoke';
import { printSet, writeStack } from './support/stack';
import { tempStation } from './support/station';
import { agreesWithTruth, truthAnswer } from './support/truthAnswers';
import { removeStation } from './support/cleanup';

/** The least share of a clean stack's answers graded without review. */
const MIN_GRADED_SHARE_CLEAN = 0.85;

/** Store → read → grade on a real printed set and synthetic scans, closed loop against the generator's truth. */
describe('ingesting a scanned stack', () => {
  let ctx: ReturnType<typeof tempStation>;
  let setId: string;
  let stack: string;
  let truths: ImageTruth[];

  beforeAll(async () => {
    ctx = tempStation();
    const printed = await printSet(ctx, '7A', 20, 'scan');
    setId = printed.setId;
    stack = join(ctx.dir, 'stack');
    truths = await writeStack(ctx, stack, { pdf: printed.pdf, pages: printed.pages, seed: 'scan', profile: 'clean', answers: 'mixed', foreignPages: 1, upsideDownRate: 0.5 });
  }, 300_000);
  afterAll(() => removeStation(ctx));

  it('identifies every page, grades what it is sure of to the truth, and reports the foreign sheet', async () => {
    const r = await invoke(ctx, 'ingest', { paths: [stack] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored).toBe(truths.length);
    expect(r.value.refused).toBe(truths.filter((t) => t.kind === 'foreign').length);
    const responses = ctx.store.scans.responses();
    const wrong: string[] = [];
    let answered = 0;
    let graded = 0;
    for (const t of truths.filter((x) => x.kind === 'workbook')) {
      for (const f of t.fields) {
        if (f.kind === 'write_in') continue; // its item's answer is the teacher's score box
        const resp = responses.find((x) => x.pageId === t.pageId && x.itemId === f.itemId);
        expect(resp, `${t.pageId} ${f.fieldId}`).toBeDefined();
        answered++;
        if (resp!.status !== 'graded') continue;
        graded++;
        const read = { kind: f.kind, value: resp!.answer, status: resp!.answer === null ? ('blank' as const) : ('ok' as const) };
        if (!agreesWithTruth(read, f)) wrong.push(`${t.fileName} ${f.fieldId}: graded ${resp!.answer}, drawn ${truthAnswer(f)}`);
      }
    }
    console.log(JSON.stringify({ scan: 'clean_stack_graded_share', graded, answered }));
    expect(wrong).toEqual([]);
    // Clean scans: nearly everything is graded without a teacher; a reader that sends it all to review fails here.
    expect(answered).toBeGreaterThan(10);
    expect(graded / answered).toBeGreaterThanOrEqual(MIN_GRADED_SHARE_CLEAN);
    const integrity = await invoke(ctx, 'integrity', { setId });
    if (!integrity.ok) throw new Error(integrity.error.message);
    expect(integrity.value.jobs[0]!.complete).toBe(true);
    expect(integrity.value.jobs[0]!.foreignPages).toHaveLength(1);
  });

  it('grades nothing twice when the same stack is fed again, and reports the duplicates', async () => {
    const before = ctx.store.scans.responses().length;
    const r = await invoke(ctx, 'ingest', { paths: [stack] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored).toBe(0);
    expect(r.value.duplicates).toBe(truths.length);
    expect(ctx.store.scans.responses().length).toBe(before);
  });

  it('a re-scan of a page replaces the earlier read and leaves an audit entry', async () => {
    const page = truths.find((t) => t.kind === 'workbook')!;
    // The same sheet scanned again: different bytes (a new synthetic scan of the same PDF page), same page id.
    const again = join(ctx.dir, 'again');
    mkdirSync(again);
    const printed = { pdf: readFileSync(join(ctx.dir, 'out', 'scan.pdf')), pages: JSON.parse(readFileSync(join(ctx.dir, 'out', 'scan.json'), 'utf8')).pages };
    await writeStack(ctx, again, { ...printed, seed: 'rescan', profile: 'clean', answers: 'mixed', pageIndices: [page.pdfPage!], count: 1 });
    const asDuplicate = await invoke(ctx, 'ingest', { paths: [again] });
    expect(asDuplicate.ok && asDuplicate.value.duplicates).toBe(1);
    const rescanDir = join(ctx.dir, 'again2');
    mkdirSync(rescanDir);
    await writeStack(ctx, rescanDir, { ...printed, seed: 'rescan-2', profile: 'clean', answers: 'mixed', pageIndices: [page.pdfPage!], count: 1 });
    const replaced = await invoke(ctx, 'ingest', { paths: [rescanDir], rescan: true });
    expect(replaced.ok && replaced.value.graded + replaced.value.needsReview).toBe(1);
    const live = ctx.store.scans.responses().filter((x) => x.pageId === page.pageId);
    expect(new Set(live.map((x) => x.itemId)).size).toBe(live.length);
    const audit = ctx.db.prepare(`SELECT detail_json FROM audit_log WHERE action = 'rescan_replaces_read'`).all() as { detail_json: string }[];
    expect(audit.length).toBe(1);
    expect(JSON.parse(audit[0]!.detail_json).pageId).toBe(page.pageId);
  });

  it('keeps a teacher override with who and when, and re-grades after an answer key correction', async () => {
    const graded = ctx.store.scans.responses().filter((x) => x.status === 'graded');
    const choice = graded.find((x) => ctx.store.item(x.itemId)?.type === 'single_choice' && x.answer !== null)!;
    const r = await invoke(ctx, 'resolve', { responseId: choice.id, score: 0, note: 'copied' });
    expect(r.ok).toBe(true);
    expect(ctx.store.scans.overridesOf(choice.id)).toMatchObject([{ teacher: 'teacher', score: 0, note: 'copied' }]);
    // Correct the key of another item to the answer students gave, import it (a new version), then re-grade.
    const other = graded.find((x) => x.itemId !== choice.itemId && ctx.store.item(x.itemId)?.type === 'single_choice' && x.answer !== null && !x.correct)!;
    const oldItem = ctx.store.item(other.itemId)!;
    if (oldItem.type !== 'single_choice') throw new Error('expected a single choice item');
    const { version: _v, contentHash: _h, ...content } = oldItem;
    ctx.store.importItems([{ ...content, answer: other.answer! }]);
    const rg = await invoke(ctx, 'regrade', { itemId: other.itemId });
    if (!rg.ok) throw new Error(rg.error.message);
    expect(rg.value.version).toBe(oldItem.version + 1);
    const after = ctx.store.scans.responses().find((x) => x.id === other.id)!;
    expect(after.correct).toBe(true);
    expect(after.itemVersion).toBe(oldItem.version + 1);
  });

  /** A paced 6-sheet replay scan, returned once its first sheet is stored: an event, not a guess at how long feeding takes. */
  async function pacedScanAfterFirstSheet(name: string) {
    const fresh = join(ctx.dir, name);
    const printed = { pdf: readFileSync(join(ctx.dir, 'out', 'scan.pdf')), pages: JSON.parse(readFileSync(join(ctx.dir, 'out', 'scan.json'), 'utf8')).pages };
    await writeStack(ctx, fresh, { ...printed, seed: name, profile: 'clean', answers: 'mixed', count: 6 });
    const firstSheet = new Promise<void>((resolve) => {
      const stop = ctx.events.subscribe((e) => {
        if (e.type !== 'scanned') return;
        stop();
        resolve();
      });
    });
    const scanning = invoke(ctx, 'scan', { replayFolder: fresh, msPerSheet: 400, rescan: true });
    await firstSheet;
    return { scanning };
  }

  it('cancels a paced feeder scan: stops feeding, and every page already fed is stored and processed', async () => {
    const { scanning } = await pacedScanAfterFirstSheet('paced');
    const c = await invoke(ctx, 'controlScan', { action: 'cancel' });
    expect(c.ok && c.value.sessions.length).toBe(1);
    const r = await scanning;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored).toBeGreaterThan(0);
    expect(r.value.stored).toBeLessThan(6);
    expect(ctx.store.scans.queuedImages()).toEqual([]);
    const status = ctx.db.prepare('SELECT status FROM scan_sessions WHERE id = ?').get(r.value.sessionId) as { status: string };
    expect(status.status).toBe('cancelled');
  });

  it('stops a paced feeder scan from the app (controlScan stop): every sheet the scanner fed is stored and graded', async () => {
    const { scanning } = await pacedScanAfterFirstSheet('paced-stop');
    const c = await invoke(ctx, 'controlScan', { action: 'stop' });
    expect(c.ok && c.value.sessions.length).toBe(1);
    const r = await scanning;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stopped).toBe(true);
    expect(r.value.fed).toBeLessThan(6);
    // fed by the scanner = stored (new or identical) + refused: nothing the scanner handed over is dropped
    expect(r.value.stored + r.value.identical).toBe(r.value.fed);
    expect(ctx.store.scans.queuedImages()).toEqual([]);
    const status = ctx.db.prepare('SELECT status FROM scan_sessions WHERE id = ?').get(r.value.sessionId) as { status: string };
    expect(status.status).toBe('finished');
  });

  it('reads a multi-page PDF of scans (as many scanners save a stack) just like the images', async () => {
    const names = truths.filter((t) => t.kind === 'workbook').slice(0, 2);
    const doc = await PDFDocument.create();
    for (const t of names) {
      const jpg = await doc.embedJpg(readFileSync(join(stack, t.fileName)));
      const page = doc.addPage([(jpg.width * 72) / 300, (jpg.height * 72) / 300]);
      page.drawImage(jpg, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    }
    const pdfPath = join(ctx.dir, 'scanned-stack.pdf');
    writeFileSync(pdfPath, await doc.save());
    const r = await invoke(ctx, 'read', { paths: [pdfPath] });
    if (!r.ok) throw new Error(r.error.message);
    const pages = r.value.pages as { ok: boolean; pageId?: string }[];
    expect(pages.map((p) => p.pageId)).toEqual(names.map((t) => t.pageId));
  });
});
