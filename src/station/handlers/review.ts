import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { checkResolvedAnswer } from '../../domain/answerFormat';
import { gradeAnswer } from '../../domain/grading';
import { stackIntegrity } from '../../domain/integrity';
import { ok } from '../../domain/result';
import { imagesForJob } from '../../store';
import { keepConfirmedComb } from '../combLearning';
import { defineHandler, fail } from './types';

/** The review queue; with cropsDir, each uncertain read's image crop is written there as <responseId>.png. */
export const reviewQueue = defineHandler(z.object({ cropsDir: z.string().optional() }), async (ctx, input) => {
  const names = new Map(ctx.store.students().map((s) => [s.id, s.displayName]));
  const reviews = ctx.store.scans.openReviews().map((r) => ({ ...r, studentName: names.get(r.studentId) ?? r.studentId }));
  if (!input.cropsDir) return ok(reviews.map((r) => ({ ...r, cropPath: null as string | null })));
  mkdirSync(input.cropsDir, { recursive: true });
  const out = [];
  for (const r of reviews) {
    const cropPath = join(input.cropsDir, `${r.responseId}.png`);
    await writeCrop(r.imagePath, (r.evidence as { crop?: { x: number; y: number; w: number; h: number } } | null)?.crop, cropPath);
    out.push({ ...r, cropPath });
  }
  return ok(out);
});

/** Cuts the evidence rectangle (with a small margin) out of the stored scan. */
export async function writeCrop(imagePath: string, crop: { x: number; y: number; w: number; h: number } | undefined, outPath: string): Promise<void> {
  await writeFile(outPath, await cropPng(await readFile(imagePath), crop));
}

/** The evidence rectangle (with a small margin) of a scan's bytes, as PNG. */
export async function cropPng(image: Buffer, crop: { x: number; y: number; w: number; h: number } | undefined): Promise<Buffer> {
  const img = sharp(image);
  const meta = await img.metadata();
  const W = meta.width ?? 1;
  const H = meta.height ?? 1;
  const m = 12;
  const left = crop ? Math.max(0, Math.round(crop.x) - m) : 0;
  const top = crop ? Math.max(0, Math.round(crop.y) - m) : 0;
  const width = crop ? Math.max(1, Math.min(W - left, Math.round(crop.w) + 2 * m)) : W;
  const height = crop ? Math.max(1, Math.min(H - top, Math.round(crop.h) + 2 * m)) : H;
  return img.extract({ left, top, width, height }).png().toBuffer();
}

/** A teacher's decision on a read: stored as an override (who, when), the original read kept. */
export const resolve = defineHandler(
  z.object({ responseId: z.number().int(), answer: z.string().nullable().optional(), score: z.number().min(0).optional(), note: z.string().optional() }),
  async (ctx, input) => {
    const response = ctx.store.scans.response(input.responseId);
    if (!response) return fail('unknown_response', `response ${input.responseId} not found. Fix: see "paperloop review --json".`);
    const item = ctx.store.item(response.itemId, response.itemVersion);
    if (!item) return fail('unknown_item', `item ${response.itemId} v${response.itemVersion} is missing from the bank.`);
    if (input.answer === undefined && input.score === undefined) return fail('bad_input', 'give --answer (what the student marked) or --score (points to award).');
    const checked = input.answer === undefined ? ok(response.answer) : checkResolvedAnswer(item, input.answer);
    if (!checked.ok) return fail('bad_answer', `response ${input.responseId} (item ${item.id}, ${item.type}): ${checked.error.message}. Fix: ${checked.error.fix}.`);
    const answer = checked.value;
    const graded = gradeAnswer(item, answer, ctx.settings);
    const score = input.score ?? graded.score;
    if (score > graded.maxScore) return fail('bad_input', `score ${score} is above the item's maximum ${graded.maxScore}.`);
    ctx.store.scans.override(input.responseId, ctx.actor, ctx.clock().toISOString(), answer, score, input.score !== undefined ? score === graded.maxScore : graded.correct, input.note);
    // The teacher said what a comb holds: its boxes teach the reader this class's handwriting.
    if (input.answer !== undefined) keepConfirmedComb(ctx, input.responseId, answer);
    return ok({ responseId: input.responseId, answer, score, maxScore: graded.maxScore, by: ctx.actor });
  },
);

/** After an answer key is corrected (a new item version), re-grades every machine-graded answer to it. */
export const regrade = defineHandler(z.object({ itemId: z.string() }), async (ctx, { itemId }) => {
  const item = ctx.store.item(itemId);
  if (!item) return fail('unknown_item', `item ${itemId} is not in the bank.`);
  let changed = 0;
  const responses = ctx.store.scans.responsesToItem(itemId);
  ctx.store.transaction(() => {
    for (const r of responses) {
      const g = gradeAnswer(item, r.answer, ctx.settings);
      ctx.store.scans.regrade(r.id, item.version, g.score, g.correct);
      changed++;
    }
    ctx.store.audit(ctx.actor, 'regrade', { itemId, version: item.version, responses: changed }, ctx.clock().toISOString());
  });
  return ok({ itemId, version: item.version, regraded: changed });
});

export const integrity = defineHandler(z.object({ setId: z.string() }), async (ctx, { setId }) => {
  const jobs = ctx.store.printJobsForSet(setId);
  if (jobs.length === 0) return fail('not_printed', `set ${setId} has not been printed. Fix: paperloop print --set ${setId} --out FILE.pdf`);
  const reports = jobs.map((job) => {
    const { pages, images } = imagesForJob(ctx.db, job.id);
    return { jobId: job.id, kind: job.kind, ...stackIntegrity(pages, images) };
  });
  return ok({ setId, jobs: reports });
});
