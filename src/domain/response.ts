/** One graded answer of one student to one item version. The unit that learning and analytics consume. */
export type GradedResponse = {
  studentId: string;
  itemId: string;
  itemVersion: number;
  skills: string[];
  /** What the student answered, normalised: 'B', 'A,C', '3.5', 'true', text, or the score for open items. null = blank. */
  answer: string | null;
  score: number;
  maxScore: number;
  correct: boolean;
  /** ISO date (YYYY-MM-DD) of the workbook the answer belongs to. */
  date: string;
  /** Monotonic order of grading on this station; never a wall clock. */
  seq: number;
};
