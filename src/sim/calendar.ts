import { masteryOf, type MasteryState } from '../domain/learning/mastery';
import type { ArmSetup } from './armSetup';

/**
 * The uniform arm's teacher calendar: the unit's skills in order over the first `calendarShare` of
 * the window (today's skill and yesterday's), then review of the class's weakest skills. For any arm
 * whose selection runs the class sheet (personalisation off); undefined for a personalising arm and
 * for class-mastery pacing (the selection paces those itself).
 */
export function calendarSkills(setup: ArmSetup, mastery: MasteryState, dayIndex: number): string[] | undefined {
  return setup.settings.modules.personalisation ? undefined : classSheetSkills(setup, mastery, dayIndex);
}

/**
 * The class sheet's skills of the day whoever asks: the calendar-paced class's list (as above), undefined under
 * class-mastery pacing. A personalising arm runs it once the gate does not hold (`selection.whenGateDoesNotHold`).
 */
export function classSheetSkills(setup: ArmSetup, mastery: MasteryState, dayIndex: number): string[] | undefined {
  if ((setup.config.uniformPacing ?? 'calendar') !== 'calendar') return undefined;
  const calendarDays = calendarLength(setup);
  if (dayIndex >= calendarDays) return reviewSkills(setup, mastery, dayIndex - calendarDays);
  return lessonOf(setup, dayIndex, calendarDays);
}

/**
 * A personalising arm's view of the same calendar: the skills the class is taught today (the
 * selection's `lessonSkills`), none after the calendar or when the arm runs without look-ahead.
 */
export function lessonSkills(setup: ArmSetup, dayIndex: number): string[] | undefined {
  if (!setup.settings.modules.personalisation || !(setup.config.lookAhead ?? true)) return undefined;
  const calendarDays = calendarLength(setup);
  return dayIndex < calendarDays ? lessonOf(setup, dayIndex, calendarDays) : undefined;
}

const calendarLength = (setup: ArmSetup) => Math.max(1, Math.round(setup.windowDays * (setup.config.calendarShare ?? 0.75)));

/** Today's skill and yesterday's, each unit skill in topological order getting an equal share of the calendar. */
function lessonOf(setup: ArmSetup, dayIndex: number, calendarDays: number): string[] {
  const { unit } = setup;
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
