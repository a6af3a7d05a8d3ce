import { seededRng } from '../domain/random';
import { subjectBudgetMinutes } from '../domain/learning/nextDay';
import { capForGrade, type DayLedger } from '../domain/workload';
import type { ArmSetup } from './armSetup';

/** Another subject books 20–80 minutes (by default) of each student's day, seeded by the date: the same in every arm and runner. */
export function otherSubjectBookings(setup: ArmSetup, date: string): DayLedger[] {
  const bookRng = seededRng(`${setup.config.seed}|book|${date}`);
  const [min, max] = setup.otherSubjectMinutes;
  return setup.students.map((st) => ({
    date,
    studentId: st.id,
    entries: [{ subject: 'chinese', minutes: Math.round(min + (max - min) * bookRng()), workbookSetId: `chinese-${date}` }],
  }));
}

/** This subject's minutes beside the other subject's booking: the grade's cap minus the booking, at most `selection.subjectMinutes` (`subjectBudgetMinutes`, as `selectNextDay` budgets a sheet). */
export function subjectBudget(setup: ArmSetup, ledger: DayLedger): number {
  const booked = ledger.entries.reduce((a, e) => a + e.minutes, 0);
  return subjectBudgetMinutes(setup.settings.selection.subjectMinutes, capForGrade(setup.grade, setup.caps), booked);
}
