import { z } from 'zod';

/**
 * The minimum a station keeps about a student: an id from the school's system, the name printed
 * on the page, the grade, the print language and a large-print flag. No birth dates, emails,
 * demographics or contact details, even when the source file has them.
 */
export const Student = z.object({
  id: z.string().min(1).max(64),
  displayName: z.string().min(1).max(80),
  grade: z.number().int().min(1).max(12),
  language: z.string().regex(/^[a-z]{2}$/).default('zh'),
  largePrint: z.boolean().default(false),
});
export type Student = z.infer<typeof Student>;

export const SchoolClass = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(80),
  grade: z.number().int().min(1).max(12),
});
export type SchoolClass = z.infer<typeof SchoolClass>;

export type Roster = {
  classes: SchoolClass[];
  students: Student[];
  enrollments: { classId: string; studentId: string }[];
};
