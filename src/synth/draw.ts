import type { Rng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { Field, MarkTarget, PrintedPage } from '../layout/printedPage';
import { sampleWriter, writeInBoxes, writeLine, type Writer } from './handwriting';
import type { GreyImage } from '../vision/image';
import { markTarget, type LightInkLevel } from './pen';
import type { FieldTruth, TargetPen } from './truth';

export type DrawContext = { dpi: number; rng: Rng; writer?: Writer; lightInkLevel?: LightInkLevel };

/** Every mark target of a page (bubbles, digit grids, score boxes). */
export function allTargets(page: PrintedPage): MarkTarget[] {
  return page.fields.flatMap((f) => (f.kind === 'bubbles' || f.kind === 'score' ? f.targets : f.kind === 'digit_grid' ? f.columns.flatMap((c) => c.targets) : []));
}

/**
 * Draws planned answers onto a rendered page (page pixels at ctx.dpi). Returns the truth as drawn:
 * identical to the plan, except that a stray stroke that found no clear place is dropped and
 * working lines that do not fit their box are left out.
 */
export function drawAnswers(img: GreyImage, page: PrintedPage, plan: readonly FieldTruth[], ctx: DrawContext): FieldTruth[] {
  const { rng, dpi } = ctx;
  const writer = ctx.writer ?? sampleWriter(rng);
  const avoid = allTargets(page);
  const byId = new Map<string, Field>(page.fields.map((f) => [f.id, f]));
  const pen = { dpi, rng, tool: writer.tool, avoid, lightInkLevel: ctx.lightInkLevel };
  return plan.map((t): FieldTruth => {
    const f = byId.get(t.fieldId);
    if (!f || f.kind !== t.kind) throw new Error(`drawAnswers: field ${t.fieldId} (${t.kind}) is not on page ${page.pageId}`);
    switch (t.kind) {
      case 'bubbles': {
        if (f.kind !== 'bubbles') throw new Error('unreachable');
        const pens: TargetPen[] = [];
        for (const p of t.pens) {
          const target = f.targets.find((x) => x.value === p.value);
          if (target && markTarget(img, target, p.pen, pen)) pens.push(p);
        }
        return { ...t, pens };
      }
      case 'digit_grid': {
        if (f.kind !== 'digit_grid') throw new Error('unreachable');
        const pens: TargetPen[] = [];
        for (const p of t.pens) {
          const target = f.columns[p.column ?? -1]?.targets.find((x) => x.value === p.value);
          if (target && markTarget(img, target, p.pen, pen)) pens.push(p);
        }
        writeInBoxes(img, t.boxes, f.boxes, writer, { dpi, rng });
        return { ...t, pens };
      }
      case 'comb': {
        if (f.kind !== 'comb') throw new Error('unreachable');
        writeInBoxes(img, t.boxes, f.boxes, writer, { dpi, rng });
        return t;
      }
      case 'write_in': {
        if (f.kind !== 'write_in') throw new Error('unreachable');
        const h = Math.min(5, Math.max(2.5, f.box.h / 6));
        const pitch = h * 1.6;
        const lines = t.lines.filter((_, i) => 2 + (i + 1) * pitch <= f.box.h);
        lines.forEach((line, i) => writeLine(img, line, f.box.x + 3 + rng() * 4, f.box.y + 2 + i * pitch, h, writer, { dpi, rng }));
        return { ...t, lines };
      }
      case 'score': {
        if (f.kind !== 'score') throw new Error('unreachable');
        const target = f.targets.find((x) => x.value === t.marked);
        if (target && t.pen) markTarget(img, target, t.pen, { dpi, rng, tool: 'red_pen', avoid });
        return t;
      }
      default:
        return throwIllegalValue(t, 'field truth');
    }
  });
}
