import { addDays, weekday } from '../../src/domain/learning/dates';
import { skillGraph } from '../../src/domain/learning/fringe';
import { readinessOf } from '../../src/domain/learning/gateCheck';
import { seededRng } from '../../src/domain/random';
import type { Roster } from '../../src/domain/roster';
import type { ResponseToStore } from '../../src/store';
import type { StationContext } from '../../src/station/context';
import { learningState } from '../../src/station/learning/state';

/**
 * A class that answered workbooks for some school days, for the prerequisite gate check. Each day
 * every student works through a window of skills sliding through the unit (prerequisites first,
 * round and round), so they practise skills whose prerequisites the station has not yet seen
 * mastered. The world: an answer on a skill the student was ready for (as the station judged when
 * the day's sheet was made) is right with P_READY; on a skill they were not ready for, with
 * P_NOT_READY where the gate holds and with P_READY where it does not. The answers are stored
 * through the station's own write path (one graded page per student and day, `recordOutcome`).
 */
export type GateWorld = { gateHolds: boolean; seed: string; days: number; startDate: string };
export type StoredPage = { imageId: number; pageId: string; responses: ResponseToStore[] };

export const P_READY = 0.8;
export const P_NOT_READY = 0.2;
const WINDOW = 3;
const ITEMS_PER_SKILL = 3;

export function gateRoster(classId: string, students: number): Roster {
  const ids = Array.from({ length: students }, (_, i) => `${classId}-${String(i + 1).padStart(2, '0')}`);
  return {
    classes: [{ id: classId, name: `Class ${classId}`, grade: 7 }],
    students: ids.map((id) => ({ id, displayName: id, grade: 7, language: 'en' as const, largePrint: false })),
    enrollments: ids.map((studentId) => ({ classId, studentId })),
  };
}

export function schoolDaysFrom(start: string, n: number): string[] {
  const out: string[] = [];
  for (let d = start; out.length < n; d = addDays(d, 1)) if (weekday(d) !== 0 && weekday(d) !== 6) out.push(d);
  return out;
}

export function answerDays(ctx: StationContext, classId: string, world: GateWorld): StoredPage[] {
  const graph = skillGraph(ctx.store.skills({ subject: 'math' }));
  const unit = graph.order.filter((id) => graph.byId.get(id)?.grade === 7);
  const bank = ctx.store.currentItems({ subject: 'math', grade: 7 });
  const itemsOf = new Map(unit.map((k) => [k, bank.filter((i) => i.skills[0] === k)]));
  const rng = seededRng(`${world.seed}|${classId}`);
  const students = ctx.store.students(classId);
  const pages: StoredPage[] = [];
  schoolDaysFrom(world.startDate, world.days).forEach((date, day) => {
    const { mastery } = learningState(ctx, { classId });
    const window = Array.from({ length: WINDOW }, (_, j) => unit[(day + j) % unit.length]!);
    for (const s of students) {
      const readiness = readinessOf(mastery, s.id, unit, graph, ctx.settings.learning);
      const responses: ResponseToStore[] = [];
      for (const skill of window) {
        const p = readiness(skill).ready || !world.gateHolds ? P_READY : P_NOT_READY;
        for (let j = 0; j < ITEMS_PER_SKILL; j++) {
          const items = itemsOf.get(skill)!;
          const item = items[Math.floor(rng() * items.length)]!;
          const correct = rng() < p;
          responses.push({
            fieldId: `f${responses.length}`, studentId: s.id, itemId: item.id, itemVersion: item.version, answer: correct ? 'right' : 'wrong',
            score: correct ? 1 : 0, maxScore: 1, correct, confidence: 0.99, needsReview: false, reasons: [], evidence: null, date,
          });
        }
      }
      pages.push(storePage(ctx, `GATE-${classId}-${date}-${s.id}`, `${classId}-${date}-${s.id}`, responses));
    }
  });
  return pages;
}

/** One scanned page graded through the station's write path; `image` names its (made-up) image content. */
export function storePage(ctx: StationContext, pageId: string, image: string, responses: ResponseToStore[], replaceEarlier = false): StoredPage {
  const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: `sha-${image}`, path: `images/${image}.jpg`, mediaType: 'image/jpeg', bytes: 1 });
  ctx.store.scans.recordOutcome(row.id, { kind: 'graded', pageId, replaceEarlier, responses, readJson: '{}' }, 'station', '2026-12-07T10:00:00Z');
  return { imageId: row.id, pageId, responses };
}
