import sharp from 'sharp';
import { z } from 'zod';
import { checkResolvedAnswer } from '../../../domain/answerFormat';
import type { Item } from '../../../domain/item';
import { ok, throwIllegalValue } from '../../../domain/result';
import type { ReviewRow } from '../../../store/scanRepository';
import type { StationContext } from '../../context';
import { forgetConfirmedComb } from '../../combLearning';
import { resolve } from '../review';
import { defineHandler, fail } from '../types';
import type { TargetFill as MeasuredFill } from '../../../vision/bubbles';

/**
 * The Review screen's handlers: the open reviews grouped by question and, within a question, by identical
 * reading (one decision settles a group); a decision on a whole group; and an undo that reopens reviews.
 */

type Rect = { x: number; y: number; w: number; h: number };
type Evidence = {
  fills?: { value: string; fill: number; dark?: number }[];
  crop?: Rect;
  candidates?: { text: string; confidence: number }[];
  readings?: Record<string, { text: string; confidence: number } | undefined>;
};
/** A reading the teacher can pick with one key; `key` marks an accepted answer from the answer key. */
export type Candidate = { value: string; source: 'station' | 'ocr' | 'key' | 'marks'; confidence: number | null };
/** The mark darkness of a choice or grid target, as the reader measured it. */
export type TargetFill = Pick<MeasuredFill, 'value' | 'fill'>;

export type ReviewCard = {
  responseId: number;
  studentId: string;
  studentName: string;
  pageId: string;
  confidence: number;
  reasons: string[];
  fills: TargetFill[];
  /** Other readings of this very field (OCR alternatives), besides the group's reading. */
  alternatives: Candidate[];
};
export type ReadingGroup = { reading: string | null; valid: boolean; candidates: Candidate[]; cards: ReviewCard[] };
export type QuestionGroup = {
  itemId: string;
  itemType: Item['type'];
  stem: Record<string, string>;
  options: string[];
  maxScore: number;
  /** The answer key as the teacher would write it ('B', 'A,C', 'T', '-12', 'x=-12'; open items have none). */
  key: string[];
  groups: ReadingGroup[];
};

const UNDO_NOTE = 'undo';
/** The event the station sends when teacher decisions change results (a decision recorded, or undone). */
export const REVIEWS_CHANGED = 'reviews_changed';

function keyOf(item: Item): string[] {
  switch (item.type) {
    case 'single_choice':
      return [item.answer];
    case 'multiple_choice':
      return [item.answer.join(',')];
    case 'true_false':
      return [item.answer ? 'T' : 'F'];
    case 'numeric':
      return [String(item.answer)];
    case 'short_text':
      return item.answer;
    case 'open':
      return [];
    default:
      return throwIllegalValue(item, 'item type');
  }
}

const isValid = (item: Item, value: string | null) => checkResolvedAnswer(item, value).ok;

/** The field's own other readings (OCR candidates, the comb's line, box and digit readings; the marks with the faint ones), valid for the item. */
function alternativesOf(item: Item, reading: string | null, evidence: Evidence | null, reasons: readonly string[]): Candidate[] {
  const seen = new Set<string>([reading ?? '']);
  const out: Candidate[] = [];
  if (item.type === 'multiple_choice') {
    const faint = reasons.filter((r) => r.startsWith('marginal_mark:')).map((r) => r.slice('marginal_mark:'.length));
    const marks = item.options.map((o) => o.key).filter((k) => faint.includes(k) || (reading ?? '').split(',').includes(k)).join(',');
    if (marks !== '' && !seen.has(marks)) out.push({ value: marks, source: 'marks', confidence: null });
    return out;
  }
  const readings = Object.values(evidence?.readings ?? {}).filter((r): r is { text: string; confidence: number } => !!r);
  for (const c of [...(evidence?.candidates ?? []), ...readings]) {
    const text = c.text.trim();
    if (text === '' || seen.has(text) || !isValid(item, text)) continue;
    seen.add(text);
    out.push({ value: text, source: 'ocr', confidence: c.confidence / 100 });
  }
  return out;
}

/** What one key chooses for a group: the station's reading (when the item can hold it), then the answer key. */
function candidatesOf(item: Item, reading: string | null, valid: boolean): Candidate[] {
  const out: Candidate[] = valid && reading !== null ? [{ value: reading, source: 'station', confidence: null }] : [];
  if (item.type === 'numeric' || item.type === 'short_text')
    for (const k of keyOf(item)) if (k !== reading && isValid(item, k)) out.push({ value: k, source: 'key', confidence: null });
  return out;
}

const stemOf = (item: Item): Record<string, string> => ({ ...item.stem });
const optionsOf = (item: Item): string[] => (item.type === 'single_choice' || item.type === 'multiple_choice' ? item.options.map((o) => o.key) : item.type === 'true_false' ? ['T', 'F'] : []);

/** Groups open reviews by question (in queue order of first appearance), then by identical reading. */
export function groupReviews(reviews: readonly (ReviewRow & { studentName: string; item: Item })[]): QuestionGroup[] {
  const questions = new Map<string, QuestionGroup & { byReading: Map<string, ReadingGroup> }>();
  for (const r of reviews) {
    const item = r.item;
    const qKey = `${item.id}@${item.version}`;
    let q = questions.get(qKey);
    if (!q) {
      q = { itemId: item.id, itemType: item.type, stem: stemOf(item), options: optionsOf(item), maxScore: item.type === 'open' ? item.maxScore : item.points, key: keyOf(item), groups: [], byReading: new Map() };
      questions.set(qKey, q);
    }
    const readingKey = r.answer ?? '\u0000blank';
    let g = q.byReading.get(readingKey);
    if (!g) {
      const valid = isValid(item, r.answer);
      g = { reading: r.answer, valid, candidates: candidatesOf(item, r.answer, valid), cards: [] };
      q.byReading.set(readingKey, g);
      q.groups.push(g);
    }
    const evidence = r.evidence as Evidence | null;
    g.cards.push({
      responseId: r.responseId, studentId: r.studentId, studentName: r.studentName, pageId: r.pageId, confidence: r.confidence, reasons: r.reasons,
      fills: (evidence?.fills ?? []).map((f) => ({ value: f.value, fill: f.fill })), alternatives: alternativesOf(item, r.answer, evidence, r.reasons),
    });
  }
  return [...questions.values()].map(({ byReading: _, ...q }) => ({ ...q, groups: [...q.groups].sort((a, b) => b.cards.length - a.cards.length) }));
}

/** The open review queue, grouped for one decision per group. */
export const reviewBoard = defineHandler(z.object({}), async (ctx) => {
  const names = new Map(ctx.store.students().map((s) => [s.id, s.displayName]));
  const items = new Map<string, Item | null>();
  const itemOf = (id: string, version: number) => {
    const key = `${id}@${version}`;
    if (!items.has(key)) items.set(key, ctx.store.item(id, version));
    return items.get(key)!;
  };
  const reviews = [];
  for (const r of ctx.store.scans.openReviews()) {
    const response = ctx.store.scans.response(r.responseId);
    const item = response && itemOf(response.itemId, response.itemVersion);
    if (item) reviews.push({ ...r, studentName: names.get(r.studentId) ?? r.studentId, item });
  }
  return ok({ total: reviews.length, questions: groupReviews(reviews), actor: ctx.actor });
});

/**
 * One decision for a group of reads of the same question: each response gets its own override (who, when), as
 * `resolve` records it. With neither answer nor score the station's reading is accepted as it is.
 */
export const resolveGroup = defineHandler(
  z.object({ responseIds: z.array(z.number().int()).min(1).max(5000), answer: z.string().nullable().optional(), score: z.number().min(0).optional() }),
  async (ctx, input) => {
    const decided: { responseId: number; answer: string | null; score: number; maxScore: number }[] = [];
    try {
      for (const responseId of input.responseIds) {
        const response = ctx.store.scans.response(responseId);
        if (response && response.status !== 'needs_review')
          return fail('already_decided', `response ${responseId} was already decided (${decided.length} of this group were recorded now). Fix: reload the review queue.`, undefined, { recorded: decided.length });
        const answer = input.answer === undefined && input.score === undefined ? (response?.answer ?? null) : input.answer;
        const r = await resolve.run(ctx, { responseId, ...(answer !== undefined ? { answer } : {}), ...(input.score !== undefined ? { score: input.score } : {}) });
        if (!r.ok) return decided.length ? fail(r.error.code, `${r.error.message} (${decided.length} of this group were recorded before it)`, r.error.details, { ...r.error.params, recorded: decided.length }) : r;
        decided.push({ responseId, answer: r.value.answer, score: r.value.score, maxScore: r.value.maxScore });
      }
      return ok({ decided, by: ctx.actor, at: lastOverrideAt(ctx, input.responseIds[0]!) });
    } finally {
      if (decided.length) ctx.events.emit({ type: REVIEWS_CHANGED, decided: decided.length });
    }
  },
);

const lastOverrideAt = (ctx: StationContext, responseId: number) => ctx.store.scans.overridesOf(responseId).at(-1)?.at ?? ctx.clock().toISOString();

/**
 * Undoes teacher decisions: each response's review opens again, with its original reading and no score. The undo
 * is itself kept as an override (note "undo", the station's reading), so the history of who decided what stays whole.
 */
export const undoReview = defineHandler(z.object({ responseIds: z.array(z.number().int()).min(1).max(5000) }), async (ctx, { responseIds }) => {
  for (const id of responseIds) {
    const response = ctx.store.scans.response(id);
    if (!response) return fail('unknown_response', `response ${id} not found. Fix: reload the review queue.`);
    if (response.status !== 'resolved') return fail('not_decided', `response ${id} is not decided, so there is nothing to undo. Fix: reload the review queue.`);
  }
  const at = ctx.clock().toISOString();
  ctx.store.scans.reopen(responseIds, ctx.actor, at, UNDO_NOTE);
  for (const id of responseIds) forgetConfirmedComb(ctx, id);
  ctx.events.emit({ type: REVIEWS_CHANGED, reopened: responseIds.length });
  return ok({ reopened: responseIds.length, by: ctx.actor, at });
});

/**
 * The field in its surroundings for the reviewer: the crop with a margin of `margin` times its size around it,
 * everything but the field dimmed. Without a crop rectangle, the whole page.
 */
export async function fieldInContextPng(image: Buffer, crop: Rect | undefined, margin = 1): Promise<Buffer> {
  const img = sharp(image);
  const meta = await img.metadata();
  const W = meta.width ?? 1;
  const H = meta.height ?? 1;
  if (!crop) return img.png().toBuffer();
  const padX = Math.round(crop.w * margin);
  const padY = Math.round(crop.h * margin * 2);
  const left = Math.max(0, Math.round(crop.x) - padX);
  const top = Math.max(0, Math.round(crop.y) - padY);
  const width = Math.max(1, Math.min(W - left, Math.round(crop.w) + 2 * padX));
  const height = Math.max(1, Math.min(H - top, Math.round(crop.h) + 2 * padY));
  const fx = Math.round(crop.x) - left;
  const fy = Math.round(crop.y) - top;
  const veil = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><path fill="#000" fill-opacity="0.55" fill-rule="evenodd" d="M0 0H${width}V${height}H0Z M${fx} ${fy}h${Math.round(crop.w)}v${Math.round(crop.h)}h-${Math.round(crop.w)}Z"/>` +
      `<rect x="${fx - 2}" y="${fy - 2}" width="${Math.round(crop.w) + 4}" height="${Math.round(crop.h) + 4}" fill="none" stroke="#f0a500" stroke-width="4"/></svg>`,
  );
  return img.extract({ left, top, width, height }).composite([{ input: veil, left: 0, top: 0 }]).png({ compressionLevel: 2 }).toBuffer();
}

/** Handlers the teacher's app needs for its reviewing screen (registered in ../index.ts). */
export const reviewingHandlers = { reviewBoard, resolveGroup, undoReview } as const;
