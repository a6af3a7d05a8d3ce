import { addDays, daysBetween, weekday } from '../../domain/learning/dates';

/**
 * The class's lesson of the day, from the teacher's plan: the unit's skills in order, each taught
 * for `daysPerSkill` school days (Monday to Friday) from `startDate`. The lesson is today's skill
 * and the one before it, as in the simulator's class calendar (src/sim/calendar.ts); none before the
 * start or once every skill had its days.
 */
export type LessonPlan = { readonly skills: readonly string[]; readonly startDate: string; readonly daysPerSkill: number };
export type Lesson = { readonly skills: string[]; /** School days since the start (0 = the first). */ readonly schoolDay: number };

/** One school day per skill: the simulator's class calendar (15 skills in the first 15 of its 20 days). */
export const DEFAULT_DAYS_PER_SKILL = 1;

/** School days (Monday to Friday) from `from` up to, not including, `to`. */
export function schoolDaysBetween(from: string, to: string): number {
  const days = daysBetween(from, to);
  const weeks = Math.floor(days / 7);
  let n = weeks * 5;
  for (let d = addDays(from, weeks * 7); d < to; d = addDays(d, 1)) if (weekday(d) !== 0 && weekday(d) !== 6) n++;
  return n;
}

export function lessonOn(plan: LessonPlan, date: string): Lesson | null {
  if (date < plan.startDate || plan.skills.length === 0) return null;
  const schoolDay = schoolDaysBetween(plan.startDate, date);
  const i = Math.floor(schoolDay / plan.daysPerSkill);
  if (i >= plan.skills.length) return null;
  return { skills: i > 0 ? [plan.skills[i]!, plan.skills[i - 1]!] : [plan.skills[0]!], schoolDay };
}
