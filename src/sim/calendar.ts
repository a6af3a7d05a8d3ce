import { masteryOf, type MasteryState } from '../domain/learning/mastery';
import type { ArmSetup } from './armSetup';

/**
 * The uniform arm's teacher calendar: the unit's skills in order over the first `calendarShare` of
 * the window (today's skill and yesterday's), then review of the class's weakest skills. Undefined
 * for the personalised arm and for class-mastery pacing (the selection paces those itself).
 */
export function calendarSkills(setup: ArmSetup, mastery: MasteryState, dayIndex: number): string[] | undefined {
  const { config, unit } = setup;
  if (setup.arm !== 'uniform' || (config.uniformPacing ?? 'calendar') !== 'calendar') return undefined;
  const calendarDays = Math.max(1, Math.round(setup.windowDays * (config.calendarShare ?? 0.75)));
  if (dayIndex >= calendarDays) return reviewSkills(setup, mastery, dayIndex - calendarDays);
  const i = Math.min(unit.length - 1, Math.floor((dayIndex * unit.length) / calendarDays));
  return i > 0 ? [unit[i] as string, unit[i - 1] as string] : [unit[0] as string];
}

/** After the calendar: the skills the class is weakest on (by the model, or latently), or every skill in turn. */
function reviewSkills(setup: ArmSetup, mastery: MasteryState, daysAfterCalendar: number): string[] {
  const { unit, students, settings } = setup;
  const perDay = settings.selection.uniformSkillsPerDay;
  const review = setup.config.uniformReview ?? 'model';
  if (review === 'round_robin') return Array.from({ length: Math.min(perDay, unit.length) }, (_, i) => unit[(daysAfterCalendar * perDay + i) % unit.length] as string);
  const weakness = (k: string) =>
    review === 'latent'
      ? students.filter((st) => !setup.known(st, k)).length
      : -students.reduce((sum, st) => sum + masteryOf(mastery, st.id, k, settings).p, 0) / students.length;
  return [...unit].sort((a, b) => weakness(b) - weakness(a)).slice(0, perDay);
}
