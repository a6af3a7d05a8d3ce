import type { GradingSettings } from '../domain/grading';
import { gradeAnswer } from '../domain/grading';
import type { Item } from '../domain/item';
import type { PrintedPage } from '../layout/printedPage';
import type { ResponseToStore } from '../store/scanRepository';

/** What the reader says about one field: a value, a confidence and the evidence (vision's FieldRead, serialisable). */
export type FieldReading = {
  fieldId: string;
  itemId: string;
  value: string | null;
  confidence: number;
  status: 'ok' | 'review' | 'blank';
  reasons: string[];
  evidence: unknown;
};

/**
 * Turns the field readings of one page into responses. The write-in space of an open item is
 * evidence only; its score box gives the grade. An uncertain read goes to review, never into a grade.
 */
export function gradePage(
  page: PrintedPage,
  readings: readonly FieldReading[],
  itemOf: (itemId: string) => Item | null,
  settings: GradingSettings,
  date: string,
): { responses: ResponseToStore[]; missing: string[] } {
  const byField = new Map(readings.map((r) => [r.fieldId, r]));
  const responses: ResponseToStore[] = [];
  const missing: string[] = [];
  for (const field of page.fields) {
    if (field.kind === 'write_in') continue;
    const reading = byField.get(field.id);
    const item = itemOf(field.itemId);
    if (!item) {
      missing.push(`item ${field.itemId} (field ${field.id}) is not in the bank`);
      continue;
    }
    if (!reading) {
      missing.push(`field ${field.id} was not read`);
      responses.push({
        fieldId: field.id, studentId: page.studentId, itemId: item.id, itemVersion: item.version, answer: null, score: 0,
        maxScore: item.type === 'open' ? item.maxScore : item.points, correct: false, confidence: 0, needsReview: true,
        reasons: ['field_not_read'], evidence: null, date,
      });
      continue;
    }
    const answer = reading.status === 'blank' ? null : reading.value;
    const grade = gradeAnswer(item, answer, settings);
    responses.push({
      fieldId: field.id, studentId: page.studentId, itemId: item.id, itemVersion: item.version, answer,
      score: grade.score, maxScore: grade.maxScore, correct: grade.correct, confidence: reading.confidence,
      needsReview: reading.status === 'review', reasons: reading.reasons, evidence: reading.evidence, date,
    });
  }
  return { responses, missing };
}
