import { z } from 'zod';
import { err, ok, type Result } from './result';

/**
 * Daily homework caps by grade, in minutes, covering every subject a class gets that day.
 * 0 means no written homework (grades 1–2: in-class sheets only).
 */
export const WorkloadCaps = z.strictObject({
  grades1to2: z.number().min(0).default(0),
  grades3to6: z.number().min(0).default(60),
  grades7to9: z.number().min(0).default(90),
  grades10to12: z.number().min(0).default(120),
});
export type WorkloadCaps = z.infer<typeof WorkloadCaps>;
export const DEFAULT_WORKLOAD_CAPS: WorkloadCaps = WorkloadCaps.parse({});

export function capForGrade(grade: number, caps: WorkloadCaps = DEFAULT_WORKLOAD_CAPS): number {
  if (grade <= 2) return caps.grades1to2;
  if (grade <= 6) return caps.grades3to6;
  if (grade <= 9) return caps.grades7to9;
  return caps.grades10to12;
}

/** Minutes already booked for one student on one date, by subject. */
export type LedgerEntry = { subject: string; minutes: number; workbookSetId: string };
export type DayLedger = { date: string; studentId: string; entries: LedgerEntry[] };

export type CapRefusal = {
  kind: 'over_cap';
  studentId: string;
  date: string;
  capMinutes: number;
  bookedMinutes: number;
  requestedMinutes: number;
  subject: string;
  ledger: LedgerEntry[];
};
export type NoWrittenHomework = { kind: 'no_written_homework'; grade: number; date: string };

export function bookedMinutes(ledger: DayLedger): number {
  return ledger.entries.reduce((sum, e) => sum + e.minutes, 0);
}

/** Would adding `minutes` of `subject` keep the student's day within the cap? */
export function checkCap(
  ledger: DayLedger,
  grade: number,
  subject: string,
  minutes: number,
  caps: WorkloadCaps = DEFAULT_WORKLOAD_CAPS,
): Result<{ remainingAfter: number }, CapRefusal | NoWrittenHomework> {
  const cap = capForGrade(grade, caps);
  if (cap === 0 && minutes > 0) return err({ kind: 'no_written_homework', grade, date: ledger.date });
  const booked = bookedMinutes(ledger);
  if (booked + minutes > cap + 1e-9)
    return err({
      kind: 'over_cap',
      studentId: ledger.studentId,
      date: ledger.date,
      capMinutes: cap,
      bookedMinutes: booked,
      requestedMinutes: minutes,
      subject,
      ledger: ledger.entries,
    });
  return ok({ remainingAfter: cap - booked - minutes });
}

export function describeRefusal(r: CapRefusal | NoWrittenHomework): string {
  if (r.kind === 'no_written_homework')
    return `Grade ${r.grade} gets no written homework (${r.date}); print an in-class sheet instead.`;
  const lines = r.ledger.map((e) => `  ${e.subject}: ${e.minutes} min (set ${e.workbookSetId})`);
  return [
    `Student ${r.studentId} on ${r.date}: ${r.subject} needs ${r.requestedMinutes} min, but ${r.bookedMinutes} of ${r.capMinutes} min are already booked.`,
    'Ledger for that day:',
    ...(lines.length ? lines : ['  (nothing booked)']),
    `Fix: shorten the ${r.subject} workbook to at most ${Math.max(0, r.capMinutes - r.bookedMinutes)} min, or move it to another day.`,
  ].join('\n');
}
