import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Tier } from '../../../domain/item';
import { err, ok, type Result } from '../../../domain/result';
import { bookedMinutes, capForGrade, checkCap } from '../../../domain/workload';
import type { PageStyle } from '../../../layout/pageStyle';
import { renderPdf } from '../../../print/pdf';
import type { StationContext } from '../../context';
import { listPrinters, printRequestState, QUEUE_NAME, sendToPrinter } from '../../printers';
import { print, layoutStudentWorkbook, youngGradeFlowers } from '../print';
import { defineHandler, fail } from '../types';
import { approvedLedger, itemsOfSet, workbooksOf } from '../workbooks';

/**
 * Handlers of the app's Print screen: what can be composed, a day's sets, the cap ledger of a set,
 * page previews, the printers CUPS offers, and printing to one of them or to a PDF. Every PDF is
 * written under <data>/out/print/ and downloaded from there (GET /print/pdf/<name>).
 */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-25');
/** Where printSet writes its PDFs (under <data>/out/), and the names it gives them. */
export const PRINT_DIR = 'print';
export const PRINT_PDF_NAME = /^[A-Za-z0-9_][\w.-]{0,150}\.pdf$/;

const printSetup = defineHandler(z.object({}), async (ctx) => {
  const subjectsOf = (grade: number) => [...new Set(ctx.store.skills({ grade }).map((s) => s.subject))].sort();
  return ok({
    classes: ctx.store.classes().map((c) => ({ ...c, capMinutes: capForGrade(c.grade, ctx.settings.caps), students: ctx.store.students(c.id).length, subjects: subjectsOf(c.grade) })),
    tiers: [...Tier.options, 'auto' as const],
  });
});

/** The class's sets on a date (drafts and approved), with the print jobs each already had. */
const printDay = defineHandler(z.object({ classId: z.string(), date: IsoDate }), async (ctx, { classId, date }) => {
  if (!ctx.store.schoolClass(classId)) return fail('unknown_class', `class "${classId}" is not on this station. Fix: import its roster.`);
  const sets = ctx.store.workbookSetsOn(classId, date).map((s) => {
    const minutes = workbooksOf(ctx, s.id).map((w) => w.minutes);
    return { setId: s.id, subject: s.subject, status: s.status, students: minutes.length, minutesMin: Math.min(...minutes), minutesMax: Math.max(...minutes), jobs: ctx.store.printJobsForSet(s.id) };
  });
  return ok({ classId, date, sets });
});

/** Per student: this set's minutes, the minutes already approved that day, and whether the two together pass the grade's cap. */
const printLedger = defineHandler(z.object({ setId: z.string() }), async (ctx, { setId }) => {
  const set = ctx.store.workbookSet(setId);
  if (!set) return fail('unknown_set', `workbook set "${setId}" not found. Fix: compose it again.`);
  const cls = ctx.store.schoolClass(set.classId)!;
  const names = new Map(ctx.store.students(set.classId).map((s) => [s.id, s.displayName]));
  const students = workbooksOf(ctx, setId).map((w) => {
    const ledger = approvedLedger(ctx, w.studentId, set.date, set.replaces ?? undefined);
    const others = { ...ledger, entries: ledger.entries.filter((e) => e.workbookSetId !== setId) };
    const check = checkCap(others, cls.grade, set.subject, w.minutes, ctx.settings.caps);
    return { studentId: w.studentId, name: names.get(w.studentId) ?? w.studentId, tier: w.tier, minutes: w.minutes, bookedMinutes: bookedMinutes(others), booked: others.entries, overCap: !check.ok };
  });
  return ok({
    setId, classId: cls.id, className: cls.name, grade: cls.grade, subject: set.subject, date: set.date, status: set.status, replaces: set.replaces,
    capMinutes: capForGrade(cls.grade, ctx.settings.caps), students, overCap: students.filter((s) => s.overCap).length,
  });
});

/**
 * One student's pages of a set as they would print, for thumbnails. Page ids are preview ids
 * ("PREVIEW-1"), so a preview allocates no page id and stores no PrintedPage.
 */
const printPreview = defineHandler(z.object({ setId: z.string(), studentId: z.string() }), async (ctx, { setId, studentId }) => {
  const r = await previewOf(ctx, setId, studentId);
  if (!r.ok) return fail('no_preview', r.error);
  return ok({ setId, studentId, pages: r.value.map((p, i) => ({ number: i + 1, kind: p.kind })) });
});

type PreviewPage = { kind: string; png: Uint8Array };
const previews = new Map<string, Promise<Result<PreviewPage[], string>>>();
const PREVIEW_CACHE = 8;
const THUMBNAIL_DPI = 48;

function previewOf(ctx: StationContext, setId: string, studentId: string): Promise<Result<PreviewPage[], string>> {
  // The page style is part of the key: a changed paper size or duplex setting makes new previews.
  const styled = ctx.pageStyle();
  const key = `${ctx.dataDir}\0${setId}\0${studentId}\0${JSON.stringify(styled.ok ? styled.value : styled.error)}`;
  let cached = previews.get(key);
  if (!cached) {
    cached = styled.ok ? renderPreview(ctx, setId, studentId, styled.value) : Promise.resolve(err(styled.error));
    previews.set(key, cached);
    if (previews.size > PREVIEW_CACHE) previews.delete(previews.keys().next().value!);
    // A failed preview is not kept, so the next request tries again (the caller sees the failure).
    const forget = () => void previews.delete(key);
    void cached.then((r) => r.ok || forget(), forget);
  }
  return cached;
}

async function renderPreview(ctx: StationContext, setId: string, studentId: string, style: PageStyle): Promise<Result<PreviewPage[], string>> {
  const set = ctx.store.workbookSet(setId);
  if (!set) return err(`workbook set "${setId}" not found`);
  const cls = ctx.store.schoolClass(set.classId)!;
  const student = ctx.store.students(set.classId).find((s) => s.id === studentId);
  const workbook = workbooksOf(ctx, setId).find((w) => w.studentId === studentId);
  if (!student || !workbook) return err(`student ${studentId} has no workbook in set ${setId}`);
  const font = ctx.font();
  let n = 0;
  const job = { jobId: 'PREVIEW', set, cls, items: itemsOfSet(ctx, setId), flowers: youngGradeFlowers(ctx, cls, set.subject, style), style, measure: font.measure };
  const pages = layoutStudentWorkbook(job, workbook, student, () => `PREVIEW-${++n}`);
  const pdf = await renderPdf(pages, font, 'PaperLoop preview');
  const mupdf = await import('mupdf');
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  try {
    return ok(
      pages.map((p, i) => {
        const page = doc.loadPage(i);
        const pixmap = page.toPixmap(mupdf.Matrix.scale(THUMBNAIL_DPI / 72, THUMBNAIL_DPI / 72), mupdf.ColorSpace.DeviceRGB, false);
        try {
          return { kind: p.printed.kind, png: pixmap.asPNG() };
        } finally {
          pixmap.destroy();
          page.destroy();
        }
      }),
    );
  } finally {
    doc.destroy();
  }
}

/** A preview page as PNG, for GET /print/preview/<set>/<student>/<n>. */
export async function previewPng(ctx: StationContext, setId: string, studentId: string, pageNumber: number): Promise<Result<Uint8Array, string>> {
  const r = await previewOf(ctx, setId, studentId);
  if (!r.ok) return r;
  const page = r.value[pageNumber - 1];
  return page ? ok(page.png) : err(`the preview has no page ${pageNumber}`);
}

/** The print queues CUPS offers, or why there are none (then the app offers Save PDF). */
const printers = defineHandler(z.object({}), async () => {
  const r = await listPrinters();
  return ok(r.ok ? { printers: r.value, noPrinter: null } : { printers: [], noPrinter: r.error });
});

const Destination = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pdf') }),
  z.object({ kind: z.literal('printer'), queue: z.string().regex(QUEUE_NAME, 'a CUPS queue name'), copies: z.number().int().min(1).max(200).default(1), duplex: z.boolean().default(true) }),
]);

/** What CUPS made of a PDF sent to it: its request id, or why it refused the job. */
type SentToPrinter = { queue: string; copies: number; duplex: boolean } & ({ requestId: string; refused: null } | { requestId: null; refused: string });

/**
 * Prints an approved set (or one student's workbook again) into a PDF under out/print/, then sends it
 * to a CUPS queue when one is chosen. The PrintedPages are stored either way: the paper may come back.
 */
const printSet = defineHandler(z.object({ setId: z.string(), studentId: z.string().optional(), to: Destination }), async (ctx, input) => {
  const set = ctx.store.workbookSet(input.setId);
  if (!set) return fail('unknown_set', `workbook set "${input.setId}" not found.`);
  if (input.to.kind === 'printer') {
    const queue = input.to.queue;
    const known = await listPrinters();
    if (!known.ok) return fail('no_printer', `no printer: ${known.error.detail}. Fix: save the PDF and print it from another computer, or set up the printer in CUPS.`);
    if (!known.value.some((p) => p.name === queue)) return fail('unknown_printer', `there is no printer "${queue}" in CUPS. Fix: pick one of ${known.value.map((p) => p.name).join(', ')}.`);
  }
  const dir = join(ctx.dataDir, 'out', PRINT_DIR);
  mkdirSync(dir, { recursive: true });
  const staging = join(dir, `.printing-${randomUUID()}.pdf`);
  const printed = await print.run(ctx, { setId: set.id, out: staging, ...(input.studentId ? { studentId: input.studentId } : {}) });
  if (!printed.ok) return printed;
  const { jobId, pages, students } = printed.value;
  const name = `${[set.classId, set.subject, set.date, jobId, input.studentId].filter(Boolean).join('-').replace(/[^\w.-]/g, '_')}.pdf`;
  const pdf = join(dir, name);
  renameSync(staging, pdf);
  if (input.to.kind === 'pdf') return ok({ jobId, pages, students, pdfName: name, printer: null as SentToPrinter | null });
  const { queue, copies, duplex } = input.to;
  const paper = ctx.pageStyle();
  const sent = await sendToPrinter(pdf, { queue, copies, duplex, paper: paper.ok ? paper.value.paper.name : 'A4', title: name });
  const printer: SentToPrinter = { queue, copies, duplex, ...(sent.ok ? { requestId: sent.value.requestId, refused: null } : { requestId: null, refused: sent.error.detail }) };
  return ok({ jobId, pages, students, pdfName: name, printer });
});

/** Where a CUPS request is now (queued or printing, completed, unknown). */
const printRequest = defineHandler(z.object({ requestId: z.string().max(140) }), async (_ctx, { requestId }) => ok({ requestId, state: await printRequestState(requestId) }));

/** Handlers the teacher's app needs for its printing screen (registered in ../index.ts). */
export const printingHandlers = { printSetup, printDay, printLedger, printPreview, printers, printSet, printRequest } as const;
