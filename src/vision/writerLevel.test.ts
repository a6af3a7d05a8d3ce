import { describe, expect, it } from 'vitest';
import { VisionSettings } from './settings';
import type { PageInk } from './testing/drawPage';
import { drawnPageReader, grey } from './testing/readDrawn';

/**
 * The writer's own level on the page (bubbles.writerFraction, writerMinMarks): drawn pages, read end to end.
 * Greys are shares of the paper's brightness; at this scan 68–70 % grey reads about 0.33–0.36, 74 % about 0.29
 * (below lightFill: faint), 75 % (the darkest residue the synth draws) about 0.28.
 */
const { read } = drawnPageReader();
/** An even fill of one target at a grey (drawPage's even disc), or a solid pen fill. */
const fill = (fieldId: string, value: string, share: number): PageInk => ({ kind: 'target', fieldId, value, style: 'erasure', grey: grey(share) });
const solid = (fieldId: string, value: string): PageInk => ({ kind: 'target', fieldId, value, style: 'full' });
/** A light-pencil writer's answers to five other questions: every one an even fill at 68–70 % grey. */
const lightWriter = [fill('x1', 'A', 0.68), fill('x2', 'C', 0.7), fill('x3', 'B', 0.69), fill('x4', 'D', 0.68), fill('x5', 'A', 0.7)];
const darkWriter = [solid('x1', 'A'), solid('x2', 'C'), solid('x3', 'B'), solid('x4', 'D'), solid('x5', 'A')];

describe("a faint fill decided by the writer's own level on the page", () => {
  it('a light-pencil writer: the faint single-choice mark (74 % grey) is as dark as their other marks, and is read', async () => {
    const fields = await read([...lightWriter, fill('q1', 'B', 0.74)]);
    const q1 = fields.get('q1')!;
    expect(q1, JSON.stringify(q1.evidence.fills)).toMatchObject({ status: 'ok', value: 'B' });
    for (const [id, v] of [['x1', 'A'], ['x2', 'C'], ['x3', 'B']] as const) expect(fields.get(id)).toMatchObject({ status: 'ok', value: v });
  });

  it('without the rule (fewer clear marks required than the page has) the same page sends it to a person', async () => {
    const fields = await read([...lightWriter, fill('q1', 'B', 0.74)], VisionSettings.parse({ bubbles: { writerMinMarks: 99 } }));
    expect(fields.get('q1')).toMatchObject({ status: 'review', reasons: ['marginal_mark:B'] });
  });

  it('the same faint fill on a page of a writer who marks dark is far below their level: a person looks', async () => {
    const fields = await read([...darkWriter, fill('q1', 'B', 0.74)]);
    expect(fields.get('q1')).toMatchObject({ status: 'review', reasons: ['marginal_mark:B'] });
  });

  it("dark residue (75 % grey) beside a solid mark on a light writer's page: the solid mark, the residue erased", async () => {
    const fields = await read([...lightWriter, solid('q1', 'B'), fill('q1', 'A', 0.75)]);
    expect(fields.get('q1')).toMatchObject({ status: 'ok', value: 'B', reasons: ['erased:A'] });
  });

  it("dark residue (75 % grey) beside the writer's light mark in a single-choice question: never a silent A or B", async () => {
    const fields = await read([...lightWriter, fill('q1', 'B', 0.69), fill('q1', 'A', 0.75)]);
    const q1 = fields.get('q1')!;
    expect(q1.status === 'review' || q1.value === 'B', `${q1.value} (${q1.status}) ${JSON.stringify(q1.evidence.fills)}`).toBe(true);
  });

  it("residue well below a light writer's level (80 % grey) in a blank question is not read as a mark", async () => {
    const fields = await read([...lightWriter, fill('q1', 'C', 0.8)]);
    const q1 = fields.get('q1')!;
    expect(q1.status === 'review' || q1.value === null, `${q1.value} (${q1.status}) ${JSON.stringify(q1.evidence.fills)}`).toBe(true);
  });
});
