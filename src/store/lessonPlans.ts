/**
 * A class's lesson plan per subject: the unit's skills in the order the class is taught them, the
 * school day the unit starts and how many school days each skill gets. The teacher sets it; the
 * next-day selection reads the day's lesson from it.
 */
import { retryBusy } from './busy';
import type { Db } from './database';

export type LessonPlanRow = {
  classId: string;
  subject: string;
  skills: string[];
  startDate: string;
  daysPerSkill: number;
  teacher: string;
  at: string;
};

export function lessonPlanOf(db: Db, classId: string, subject: string): LessonPlanRow | null {
  const row = db
    .prepare(`SELECT skills_json, start_date, days_per_skill, teacher, at FROM lesson_plans WHERE class_id = ? AND subject = ?`)
    .get(classId, subject) as { skills_json: string; start_date: string; days_per_skill: number; teacher: string; at: string } | undefined;
  if (!row) return null;
  return { classId, subject, skills: JSON.parse(row.skills_json) as string[], startDate: row.start_date, daysPerSkill: row.days_per_skill, teacher: row.teacher, at: row.at };
}

export function saveLessonPlan(db: Db, plan: LessonPlanRow): void {
  retryBusy(db, () =>
    db
      .prepare(`INSERT OR REPLACE INTO lesson_plans (class_id, subject, skills_json, start_date, days_per_skill, teacher, at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(plan.classId, plan.subject, JSON.stringify(plan.skills), plan.startDate, plan.daysPerSkill, plan.teacher, plan.at),
  );
}

/** Removes the plan; the selection then gives no class lesson. Returns whether there was one. */
export function clearLessonPlan(db: Db, classId: string, subject: string): boolean {
  return retryBusy(db, () => db.prepare(`DELETE FROM lesson_plans WHERE class_id = ? AND subject = ?`).run(classId, subject).changes > 0);
}
