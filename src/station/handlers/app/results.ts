import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { checkResolvedAnswer } from '../../../domain/answerFormat';
import type { Item, ItemInput, LocalizedText } from '../../../domain/item';
import type { ItemStats } from '../../../domain/learning/analytics';
import type { LearningSettings } from '../../../domain/learning/settings';
import { err, ok, throwIllegalValue, type Result } from '../../../domain/result';
import { renderAnnotatedScans, type AnnotatedScan, type FieldMark } from '../../../print/annotatedScans';
import { resolveImagePath } from '../../../store';
import type { StationContext } from '../../context';
import { report } from '../learning';
import { regrade } from '../review';
import { defineHandler, fail } from '../types';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export type ItemFlag = 'too_easy' | 'too_hard' | 'not_discriminating';

/** The flags of one item's statistics; an item answered by fewer than flagMinAnswers students is never flagged. */
export function itemFlags(stats: Pick<ItemStats, 'n' | 'correctRate' | 'discrimination'>, rules: LearningSettings['analytics']): ItemFlag[] {
  if (stats.n < rules.flagMinAnswers) return [];
  const flags: ItemFlag[] = [];
  if (stats.correctRate >= rules.flagTooEasyFrom) flags.push('too_easy');
  if (stats.correctRate < rules.flagTooHardBelow) flags.push('too_hard');
  if (stats.discrimination !== null && stats.discrimination < rules.flagDiscriminationBelow) flags.push('not_discriminating');
  return flags;
}

/** The key as the reader writes answers ('B', 'A,C', 'T', '12.5', accepted texts one per line); null for open items (scored by hand). */
export function keyText(item: ItemInput): string | null {
  switch (item.type) {
    case 'single_choice':
      return item.answer;
    case 'multiple_choice':
      return item.answer.join(',');
    case 'true_false':
      return item.answer ? 'T' : 'F';
    case 'numeric':
      return String(item.answer);
    case 'short_text':
      return item.answer.join('\n');
    case 'open':
      return null;
    default:
      return throwIllegalValue(item, 'item type');
  }
}

/** The item with a corrected key, from the key written as the reader writes answers (see keyText), or why it cannot be. */
export function withKey(item: Item, text: string): Result<ItemInput, string> {
  const { version: _v, contentHash: _h, ...content } = item;
  if (content.type === 'open') return err(`item ${item.id} is scored by hand on paper; it has no key to fix.`);
  if (content.type === 'short_text') {
    const accepted = text.split('\n').map((t) => t.trim()).filter((t) => t !== '');
    for (const a of accepted) {
      const checked = checkResolvedAnswer(content, a);
      if (!checked.ok) return err(`${checked.error.message}. Fix: ${checked.error.fix}.`);
    }
    return accepted.length ? ok({ ...content, answer: accepted }) : err('give at least one accepted answer.');
  }
  const checked = checkResolvedAnswer(content, text);
  if (!checked.ok) return err(`${checked.error.message}. Fix: ${checked.error.fix}.`);
  const answer = checked.value;
  if (answer === null) return err('give the right answer; a key cannot be blank.');
  switch (content.type) {
    case 'single_choice':
      return ok({ ...content, answer });
    case 'multiple_choice':
      return ok({ ...content, answer: answer.split(',') });
    case 'true_false':
      return ok({ ...content, answer: answer === 'T' });
    case 'numeric':
      return ok({ ...content, answer: Number(answer) });
    default:
      return throwIllegalValue(content, 'item type');
  }
}

/** Dates with graded results for a class, newest first. */
function resultDates(ctx: StationContext, classId: string): string[] {
  return (
    ctx.db
      .prepare(
        `SELECT DISTINCT date FROM responses WHERE superseded = 0 AND status != 'needs_review'
           AND student_id IN (SELECT student_id FROM enrollments WHERE class_id = ?) ORDER BY date DESC`,
      )
      .all(classId) as { date: string }[]
  ).map((r) => r.date);
}

type ScannedPage = { imageId: number; path: string; mediaType: string; sha256: string; pageId: string; studentId: string; pageNumber: number; kind: string; readJson: string | null };

/** The pages of a class's workbooks for a date that came back scanned: the latest stored image of each, in print order. */
export function scannedPages(ctx: StationContext, filter: { classId: string; date: string; studentId?: string }): ScannedPage[] {
  const rows = ctx.db
    .prepare(
      `SELECT i.id AS imageId, i.path, i.media_type AS mediaType, i.sha256, i.page_id AS pageId, p.student_id AS studentId,
              p.page_number AS pageNumber, p.kind, i.read_json AS readJson
       FROM printed_pages p
       JOIN print_jobs j ON j.id = p.job_id
       JOIN workbook_sets ws ON ws.id = j.set_id
       JOIN scanned_images i ON i.page_id = p.page_id
       WHERE ws.class_id = @classId AND ws.date = @date AND ws.status != 'replaced'
         AND i.status IN ('graded', 'needs_review', 'read')
         AND (@studentId IS NULL OR p.student_id = @studentId)
       ORDER BY p.student_id, p.rowid, i.id`,
    )
    .all({ classId: filter.classId, date: filter.date, studentId: filter.studentId ?? null }) as ScannedPage[];
  const latest = new Map<string, ScannedPage>();
  for (const r of rows) latest.set(r.pageId, { ...r, path: resolveImagePath(ctx.dataDir, r.path) });
  return [...latest.values()];
}

type ReportValue = Extract<Awaited<ReturnType<typeof report.run>>, { ok: true }>['value'];

/** The report shaped for the Results screen: items with flags, keys and stems, names, skills, scanned pages per student. */
function resultsView(ctx: StationContext, classId: string, date: string, a: ReportValue) {
  const rules = ctx.settings.learning.analytics;
  const pagesByStudent = new Map<string, number>();
  for (const p of scannedPages(ctx, { classId, date })) pagesByStudent.set(p.studentId, (pagesByStudent.get(p.studentId) ?? 0) + 1);
  const skillNames = new Map<string, LocalizedText>(ctx.store.skills().map((s) => [s.id, s.name]));
  const items = a.items.map((stats) => {
    const item = ctx.store.item(stats.itemId);
    return {
      ...stats,
      type: item?.type ?? null,
      stem: item?.stem ?? null,
      skills: item?.skills ?? [],
      key: item ? keyText(item) : null,
      options: item && (item.type === 'single_choice' || item.type === 'multiple_choice') ? item.options.map((o) => o.key) : item?.type === 'true_false' ? ['T', 'F'] : [],
      version: item?.version ?? null,
      flags: itemFlags(stats, rules),
    };
  });
  return {
    responses: a.responses,
    items,
    flagRules: { tooEasyFrom: rules.flagTooEasyFrom, tooHardBelow: rules.flagTooHardBelow, discriminationBelow: rules.flagDiscriminationBelow, minAnswers: rules.flagMinAnswers },
    students: ctx.store.students(classId).map((s) => {
      const summary = a.students.find((x) => x.studentId === s.id);
      return { studentId: s.id, name: s.displayName, answered: summary?.answered ?? 0, correctRate: summary?.correctRate ?? null, scannedPages: pagesByStudent.get(s.id) ?? 0 };
    }),
    heatmap: { students: a.heatmap.students, skills: a.heatmap.skills.map((id) => ({ id, name: skillNames.get(id) ?? { en: id } })), p: a.heatmap.p, n: a.heatmap.n },
    needingHelp: a.needingHelp.map((h) => ({ studentId: h.studentId, reasons: h.reasons })),
  };
}
export type ClassResultsView = ReturnType<typeof resultsView>;

/** Results: the class's item analysis for a date (the latest with results by default), ready to draw as charts; results is null before anything is graded. */
export const classResults = defineHandler(z.object({ classId: z.string().optional(), date: IsoDate.optional() }), async (ctx, input) => {
  const classes = ctx.store.classes();
  if (classes.length === 0) return fail('no_classes', 'there are no classes on this station yet. Fix: import the roster first (paperloop import-roster).');
  // Without a class, the one whose results came in last.
  const latest = (id: string) => resultDates(ctx, id)[0] ?? '';
  const classId = input.classId ?? [...classes].sort((a, b) => latest(b.id).localeCompare(latest(a.id)))[0]!.id;
  const cls = ctx.store.schoolClass(classId);
  if (!cls) return fail('unknown_class', `class "${classId}" is not on this station. Fix: pick a class from the list.`);
  const dates = resultDates(ctx, cls.id);
  const date = input.date ?? dates[0] ?? null;
  let results: ClassResultsView | null = null;
  if (date !== null) {
    const analysed = await report.run(ctx, { classId: cls.id, date });
    if (!analysed.ok && analysed.error.code !== 'no_results') return analysed;
    if (analysed.ok) results = resultsView(ctx, cls.id, date, analysed.value);
  }
  return ok({ classId: cls.id, className: cls.name, classes: classes.map((c) => ({ id: c.id, name: c.name })), dates, date, results });
});

/** Corrects an item's answer key (a new item version; the old one stays for the record) and re-grades every machine-graded answer to it. */
export const fixKey = defineHandler(z.object({ itemId: z.string(), key: z.string().max(500) }), async (ctx, input) => {
  const item = ctx.store.item(input.itemId);
  if (!item) return fail('unknown_item', `item ${input.itemId} is not in the bank.`);
  const fixed = withKey(item, input.key);
  if (!fixed.ok) return fail('bad_key', `item ${item.id}: ${fixed.error}`);
  const imported = ctx.store.importItems([fixed.value]);
  if (imported.unchanged > 0) return fail('same_key', `item ${item.id} already has this key. Fix: give the right answer, different from ${keyText(item) ?? ''}.`);
  ctx.store.audit(ctx.actor, 'fix_key', { itemId: item.id, from: keyText(item), to: keyText(fixed.value), fromVersion: item.version }, ctx.clock().toISOString());
  const regraded = await regrade.run(ctx, { itemId: item.id });
  if (!regraded.ok) return regraded;
  return ok({ itemId: item.id, version: regraded.value.version, key: keyText(fixed.value), regraded: regraded.value.regraded });
});

/** Results files live in <data>/out/results/; the download route serves them by plain name. */
export const RESULTS_DIR = 'results';
const DOWNLOAD_TYPES: Record<string, string> = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
/** The media type of a results file by name, or null when the name is not one this module writes. */
export function resultsFileType(name: string): string | null {
  const ext = /^(results|annotated)-[\p{L}\p{N}_-]+\.(\w+)$/u.exec(name)?.[2];
  return ext ? (DOWNLOAD_TYPES[ext] ?? null) : null;
}

/** A file name that keeps only safe characters, so a class or student id stays a plain name inside out/. */
const safeName = (s: string) => s.replace(/[^\p{L}\p{N}_-]/gu, '_');
const outPath = (ctx: StationContext, name: string) => {
  mkdirSync(join(ctx.dataDir, 'out', RESULTS_DIR), { recursive: true });
  return join(ctx.dataDir, 'out', RESULTS_DIR, name);
};

/** The class report as CSV, XLSX or PDF, written under <data>/out/; the app downloads it by name. */
export const exportResults = defineHandler(z.object({ classId: z.string(), date: IsoDate, format: z.enum(['csv', 'xlsx', 'pdf']) }), async (ctx, input) => {
  const file = `results-${safeName(input.classId)}-${input.date}.${input.format}`;
  const made = await report.run(ctx, { classId: input.classId, date: input.date, [input.format]: outPath(ctx, file) });
  if (!made.ok) return made;
  return ok({ file, format: input.format });
});

type StoredResponse = { fieldId: string; itemId: string; status: string; correct: number; answer: string | null };

function marksOf(ctx: StationContext, page: ScannedPage): FieldMark[] {
  const responses = ctx.db
    .prepare(
      `SELECT r.field_id AS fieldId, r.item_id AS itemId, r.status, r.correct,
              CASE WHEN EXISTS (SELECT 1 FROM overrides o WHERE o.response_id = r.id)
                   THEN (SELECT o.answer FROM overrides o WHERE o.response_id = r.id ORDER BY o.seq DESC LIMIT 1) ELSE r.answer END AS answer
       FROM responses r WHERE r.page_id = ? AND r.image_sha256 = ?`,
    )
    .all(page.pageId, page.sha256) as StoredResponse[];
  const byField = new Map(responses.map((r) => [r.fieldId, r]));
  const read = page.readJson ? (JSON.parse(page.readJson) as { fields?: { fieldId: string; evidence?: { crop?: { x: number; y: number; w: number; h: number } } }[] }) : {};
  const marks: FieldMark[] = [];
  for (const field of read.fields ?? []) {
    const r = byField.get(field.fieldId);
    const box = field.evidence?.crop;
    if (!r || !box) continue;
    const item = ctx.store.item(r.itemId);
    const key = item ? keyText(item)?.replace(/\n/g, ' / ') ?? '' : '';
    const answer = r.answer ?? '—';
    if (r.status === 'needs_review') marks.push({ box, verdict: 'to_review', label: `${answer} ?` });
    else if (r.correct) marks.push({ box, verdict: 'correct', label: `${answer} ✓` });
    else marks.push({ box, verdict: 'wrong', label: key ? `${answer} × → ${key}` : `${answer} ×` });
  }
  return marks;
}

/** A stored scan as bytes pdf-lib embeds: JPEG and PNG as stored, anything else (or a turned JPEG) converted to JPEG. */
async function embeddable(page: ScannedPage): Promise<Pick<AnnotatedScan, 'image' | 'format' | 'widthPx' | 'heightPx'>> {
  const bytes = readFileSync(page.path);
  const meta = await sharp(bytes).metadata();
  const upright = !meta.orientation || meta.orientation === 1;
  if (upright && meta.format === 'jpeg') return { image: bytes, format: 'jpg', widthPx: meta.width ?? 1, heightPx: meta.height ?? 1 };
  if (upright && meta.format === 'png') return { image: bytes, format: 'png', widthPx: meta.width ?? 1, heightPx: meta.height ?? 1 };
  const { data, info } = await sharp(bytes).rotate().jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true });
  return { image: data, format: 'jpg', widthPx: info.width, heightPx: info.height };
}

/** One student's scanned pages for a date, with the station's reading drawn on each field (✓, × with the key, ? to review): a PDF under out/. */
export const annotatedPages = defineHandler(z.object({ classId: z.string(), date: IsoDate, studentId: z.string() }), async (ctx, input) => {
  const cls = ctx.store.schoolClass(input.classId);
  if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
  const student = ctx.store.students(cls.id).find((s) => s.id === input.studentId);
  if (!student) return fail('unknown_student', `student "${input.studentId}" is not in class ${cls.id}.`);
  const pages = scannedPages(ctx, { classId: cls.id, date: input.date, studentId: student.id });
  if (pages.length === 0) return fail('no_pages', `no scanned pages of ${student.displayName} for ${input.date}. Fix: scan the class's stack first.`);
  const scans: AnnotatedScan[] = [];
  for (const [i, page] of pages.entries()) {
    let image: Awaited<ReturnType<typeof embeddable>>;
    try {
      image = await embeddable(page);
    } catch (e) {
      return fail('image_unreadable', `the stored scan of page ${page.pageId} cannot be read (${(e as Error).message}). Fix: rescan that page.`);
    }
    scans.push({ ...image, heading: `${student.displayName} · ${cls.name} · ${input.date} · ${i + 1}/${pages.length} · ${page.pageId}`, marks: marksOf(ctx, page) });
  }
  const file = `annotated-${safeName(cls.id)}-${input.date}-${safeName(student.id)}.pdf`;
  writeFileSync(outPath(ctx, file), await renderAnnotatedScans(scans, ctx.font(), `${student.displayName} ${input.date}`));
  return ok({ file, pages: scans.length, marks: scans.reduce((n, s) => n + s.marks.length, 0) });
});

/** Handlers the teacher's app needs for its results screen (registered in ../index.ts). */
export const resultsHandlers = { classResults, fixKey, exportResults, annotatedPages } as const;
