import type { ClassAnalytics } from '../domain/learning/analytics';
import type { Colour, DrawOp } from '../layout/drawOps';
import type { PageStyle } from '../layout/pageStyle';
import type { PlainPage } from './pdf';

export type ReportNames = { className: string; date: string; studentName: (id: string) => string; skillName: (id: string) => string; itemLabel: (id: string) => string };

const heat = (p: number | null): Colour => (p === null ? 'light' : p >= 0.8 ? 'green' : p >= 0.5 ? 'amber' : 'red');

/** A printable class report: item analysis with correct-rate bars, misconceptions, who needs help, and the mastery heatmap. */
export function layoutClassReport(a: ClassAnalytics, names: ReportNames, style: PageStyle): PlainPage[] {
  const pages: PlainPage[] = [];
  const W = style.paper.widthMm;
  const H = style.paper.heightMm;
  const left = style.marginMm;
  let ops: DrawOp[] = [];
  let y = 0;
  const page = (title: string) => {
    ops = [{ op: 'text', x: left, y: 18, sizePt: 14, text: title, colour: 'black' }, { op: 'text', x: left, y: 24, sizePt: 8, text: `${names.className} · ${names.date} · PaperLoop`, colour: 'grey' }];
    pages.push({ printed: null, paper: style.paper, ops });
    y = 32;
  };
  const need = (h: number, title: string) => {
    if (y + h > H - 18) page(title);
  };
  const text = (x: number, t: string, size = 8.5, colour: Colour = 'black') => ops.push({ op: 'text', x, y, sizePt: size, text: t, colour });

  page('班级作业分析 Class item analysis');
  const barX = left + 62;
  const barW = 60;
  text(left, 'item', 8, 'grey');
  text(barX, 'correct rate', 8, 'grey');
  text(barX + barW + 16, 'discr.', 8, 'grey');
  text(barX + barW + 30, 'most chosen wrong answer', 8, 'grey');
  y += 5;
  for (const item of [...a.items].sort((x, z) => x.correctRate - z.correctRate)) {
    need(6, 'Class item analysis (continued)');
    text(left, names.itemLabel(item.itemId).slice(0, 24));
    ops.push({ op: 'rect', x: barX, y: y - 3, w: barW, h: 3.5, fill: 'light', strokeMm: 0, colour: 'light' });
    ops.push({ op: 'rect', x: barX, y: y - 3, w: barW * item.correctRate, h: 3.5, fill: item.correctRate < 0.5 ? 'red' : item.correctRate < 0.8 ? 'amber' : 'green', strokeMm: 0, colour: 'black' });
    text(barX + barW + 2, `${Math.round(item.correctRate * 100)}% (n=${item.n})`, 7);
    text(barX + barW + 16, item.discrimination === null ? '–' : item.discrimination.toFixed(2), 7);
    if (item.misconception) text(barX + barW + 30, `${item.misconception.answer} ×${item.misconception.count} (${Math.round(item.misconception.share * 100)}%)`, 7, 'red');
    y += 5.5;
  }

  need(30, 'Students who need help');
  y += 6;
  text(left, '需要帮助的学生 Students who need help', 11);
  y += 6;
  if (a.needingHelp.length === 0) {
    text(left, 'none by the current rules', 8.5, 'grey');
    y += 5;
  }
  for (const h of a.needingHelp) {
    need(6, 'Students who need help (continued)');
    const why = h.reasons.map((r) => (r.kind === 'low_correct_rate' ? `correct rate ${Math.round(r.correctRate * 100)}% < ${Math.round(r.threshold * 100)}%` : `weak: ${r.skills.map(names.skillName).join(', ')}`)).join('; ');
    text(left, `${names.studentName(h.studentId)} — ${why}`.slice(0, 110));
    y += 5;
  }

  // Heatmap: students (rows) × skills (columns).
  const { students, skills, p } = a.heatmap;
  if (students.length && skills.length) {
    page('掌握度热力图 Mastery heatmap');
    const nameW = 34;
    const cell = Math.min(8, (W - 2 * left - nameW) / skills.length);
    skills.forEach((s, j) => {
      const label = names.skillName(s);
      ops.push({ op: 'text', x: left + nameW + j * cell + 0.5, y, sizePt: 5.5, text: label.slice(0, Math.max(3, Math.floor(cell / 1.3))), colour: 'grey' });
    });
    y += 3;
    students.forEach((st, i) => {
      if (y + cell > H - 18) {
        page('Mastery heatmap (continued)');
      }
      ops.push({ op: 'text', x: left, y: y + cell * 0.7, sizePt: 7, text: names.studentName(st).slice(0, 16), colour: 'black' });
      skills.forEach((_, j) => ops.push({ op: 'rect', x: left + nameW + j * cell, y, w: cell - 0.6, h: cell - 0.6, fill: heat(p[i]?.[j] ?? null), strokeMm: 0, colour: 'black' }));
      y += cell;
    });
    y += 4;
    text(left, 'green ≥ 0.8 mastered · amber 0.5–0.8 · red < 0.5 · grey: no answers yet', 7, 'grey');
  }
  return pages;
}
