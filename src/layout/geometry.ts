import { throwIllegalValue } from '../domain/result';
import type { Field, PrintedPage, Rect } from './printedPage';

/** Every box a field occupies on paper, for overlap and bounds checks. */
export function fieldRects(field: Field): Rect[] {
  const target = (t: { x: number; y: number; r: number }): Rect => ({ x: t.x - t.r, y: t.y - t.r, w: 2 * t.r, h: 2 * t.r });
  switch (field.kind) {
    case 'bubbles':
    case 'score':
      return field.targets.map(target);
    case 'digit_grid':
      return [...field.columns.flatMap((c) => c.targets.map(target)), ...field.boxes];
    case 'comb':
      return field.boxes;
    case 'write_in':
      return [field.box];
    default:
      return throwIllegalValue(field, 'field kind');
  }
}

const overlaps = (a: Rect, b: Rect, gap = 0) => a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
const inside = (a: Rect, outer: Rect) => a.x >= outer.x && a.y >= outer.y && a.x + a.w <= outer.x + outer.w && a.y + a.h <= outer.y + outer.h;

/**
 * Geometry invariants of a printed page: every field inside the printable area (clear of marks and
 * QR), and no field element overlapping another. Returns the problems found, empty when sound.
 */
export function geometryProblems(page: PrintedPage, printableMarginMm = 5): string[] {
  const problems: string[] = [];
  const area: Rect = { x: printableMarginMm, y: printableMarginMm, w: page.paper.widthMm - 2 * printableMarginMm, h: page.paper.heightMm - 2 * printableMarginMm };
  const reserved: Rect[] = [
    ...page.marks.map((m) => ({ x: m.x - m.size / 2, y: m.y - m.size / 2, w: m.size, h: m.size })),
    { x: page.qr.x, y: page.qr.y, w: page.qr.size, h: page.qr.size },
  ];
  const all = page.fields.flatMap((f) => fieldRects(f).map((rect, i) => ({ rect, label: `${f.id}#${i}`, field: f.id })));
  for (const { rect, label } of all) {
    if (!inside(rect, area)) problems.push(`${label} lies outside the printable area`);
    for (const r of reserved) if (overlaps(rect, r, 1)) problems.push(`${label} is within 1 mm of a registration mark or the QR code`);
  }
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!;
      const b = all[j]!;
      // Adjacent comb boxes share an edge by design; only a real overlap counts.
      if (overlaps(shrink(a.rect), shrink(b.rect))) problems.push(`${a.label} overlaps ${b.label}`);
    }
  return problems;
}

const shrink = (r: Rect, by = 0.05): Rect => ({ x: r.x + by, y: r.y + by, w: r.w - 2 * by, h: r.h - 2 * by });
