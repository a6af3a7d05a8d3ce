import { z } from 'zod';

/**
 * Sides of the printed registration marks: the page styles print them, and the reader looks for
 * marks of these sizes before it knows which page it holds. The top-left mark is larger, so the
 * orientation is known.
 */
export const RegistrationMarkSizes = z.strictObject({
  markSizeMm: z.number().min(3).max(8).default(5),
  topLeftMarkSizeMm: z.number().min(5).max(12).default(8),
});
export const DEFAULT_MARK_SIZES = RegistrationMarkSizes.parse({});
