import { join } from 'node:path';
import sharp from 'sharp';
import { storeImageDurably } from '../../src/scan/imageStore';
import type { tempStation } from './station';

/** A stored scan with one uncertain read in the review queue; returns its response id and image path. A new `shade` makes a new scan. */
export async function seedReview(ctx: ReturnType<typeof tempStation>, shade = 250): Promise<{ responseId: number; imagePath: string }> {
  const jpeg = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: shade, g: shade, b: shade } } }).jpeg().toBuffer();
  const saved = await storeImageDurably(join(ctx.dir, 'images'), jpeg, 'image/jpeg');
  if (!saved.ok) throw new Error('store');
  const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: saved.value.sha256, path: saved.value.path, mediaType: 'image/jpeg', bytes: jpeg.length });
  const item = ctx.store.currentItems().find((i) => i.type === 'single_choice')!;
  ctx.store.scans.recordOutcome(row.id, {
    kind: 'graded', pageId: `ST01-TEST${shade}`, replaceEarlier: false, readJson: '{}',
    responses: [{ fieldId: `q${item.id}`, studentId: 'S01', itemId: item.id, itemVersion: item.version, answer: 'A', score: 0, maxScore: 1, correct: false, confidence: 0.31, needsReview: true, reasons: ['marginal_mark:A'], evidence: { crop: { x: 10, y: 10, w: 200, h: 80 } }, date: '2026-11-25' }],
  }, 'test', '2026-11-24T16:00:00Z');
  const review = ctx.store.scans.openReviews().at(-1)!;
  return { responseId: review.responseId, imagePath: review.imagePath };
}
