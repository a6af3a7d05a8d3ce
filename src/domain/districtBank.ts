/** What a district bundle carries besides items and skills: shared workbook sets and calibrated item parameters. */
import { z } from 'zod';

/** A workbook every class of a grade can print, e.g. the weekend workbook: a fixed list of items, in order. */
export const SharedWorkbookSet = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  name: z.string().min(1),
  subject: z.string().min(1),
  grade: z.number().int(),
  itemIds: z.array(z.string().min(1)).min(1),
});
export type SharedWorkbookSet = z.infer<typeof SharedWorkbookSet>;

/** An item's difficulty on the 1PL scale of ItemInput, calibrated at the district from every station's answers. */
export const ItemParameters = z.object({ itemId: z.string().min(1), difficulty: z.number().min(-4).max(4) });
export type ItemParameters = z.infer<typeof ItemParameters>;

export const WorkbookSetsFile = z.object({ format: z.literal('paperloop.workbook-sets/1'), sets: z.array(SharedWorkbookSet).min(1) });
export const ItemParametersFile = z.object({ format: z.literal('paperloop.item-parameters/1'), parameters: z.array(ItemParameters).min(1) });
