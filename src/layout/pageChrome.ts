import type { DrawOp } from './drawOps';
import { label, subjectLabel, tierLabel } from './labels';
import type { PageMetrics } from './pageMetrics';
import type { PageKind, PrintedPage } from './printedPage';

/** Who and what a page is for, as printed in its header and footer. */
export type PageHeading = {
  readonly studentName: string;
  readonly className: string;
  readonly date: string;
  readonly subject: string;
  readonly tier: string;
  readonly minutes: number;
  readonly grade: number;
  readonly flowers?: { mastered: number; total: number };
};

/** The header (name, class, date, subject, tier, page n of m), the page id in the footer, and the young grades' red flowers. */
export function pageChrome(m: PageMetrics, heading: PageHeading, page: PrintedPage, kind: PageKind): DrawOp[] {
  const { style, lang, small, measure } = m;
  const ops: DrawOp[] = [];
  const headerPt = style.headerPt * Math.min(m.scale, 1.2);
  const x = style.markInsetMm + style.topLeftMarkSizeMm;
  ops.push({ op: 'text', x, y: 13, sizePt: headerPt, text: `${label(lang, 'name')}: ${heading.studentName}`, colour: 'black' });
  ops.push({ op: 'text', x, y: 19.5, sizePt: small, text: `${heading.className} · ${heading.date} · ${subjectLabel(heading.subject, lang)}`, colour: 'black' });
  ops.push({
    op: 'text', x, y: 24.5, sizePt: small,
    text: `${tierLabel(heading.tier, lang)} · ~${heading.minutes} ${label(lang, 'minutes')} · ${label(lang, 'page')} ${page.pageNumber} ${label(lang, 'of')} ${page.pageCount}`,
    colour: 'grey',
  });
  ops.push({ op: 'line', x1: style.marginMm, y1: 29.5, x2: style.paper.widthMm - style.marginMm, y2: 29.5, strokeMm: 0.3, colour: 'grey' });
  if (kind === 'blank_back')
    ops.push({ op: 'text', x: style.paper.widthMm / 2 - measure(label(lang, 'blank'), m.body) / 2, y: style.paper.heightMm / 2, sizePt: m.body, text: label(lang, 'blank'), colour: 'grey' });
  const footY = style.paper.heightMm - 12;
  ops.push({ op: 'text', x: style.markInsetMm + style.markSizeMm + 6, y: footY + 1, sizePt: 6, text: page.pageId, colour: 'grey' });
  if (heading.flowers && heading.grade <= style.youngGradeMax && kind !== 'blank_back') ops.push(...flowerBar(m, heading.flowers, footY));
  return ops;
}

/** "My red flowers": one flower per unit skill, filled when mastered. */
function flowerBar(m: PageMetrics, flowers: { mastered: number; total: number }, footY: number): DrawOp[] {
  const lbl = `${label(m.lang, 'flowers')}:`;
  const fx = m.style.paper.widthMm / 2 - 30;
  const start = fx + m.measure(lbl, m.small) + 4;
  return [
    { op: 'text', x: fx, y: footY + 1, sizePt: m.small, text: lbl, colour: 'red' },
    ...Array.from({ length: flowers.total }, (_, i): DrawOp => ({ op: 'flower', x: start + i * 6, y: footY, r: 2.2, filled: i < flowers.mastered })),
  ];
}
