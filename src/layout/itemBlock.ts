import type { ItemInput } from '../domain/item';
import { answerArea, type Placed } from './answerAreas';
import type { DrawOp } from './drawOps';
import { label, localText } from './labels';
import type { PageMetrics } from './pageMetrics';
import { lineHeightMm, PT_TO_MM, wrapText } from './text';

/**
 * One item as printed: an optional section heading, the numbered stem, the note lines, the answer
 * space and the reason it was chosen. Items never split across pages, so a block has one height.
 */
export function itemBlock(m: PageMetrics, item: ItemInput, number: number, reason: string, note: readonly string[], section: string | undefined): Placed {
  const { body, lineHeight: lh, measure } = m;
  const indent = measure(`${number}. `, body) + 1;
  const width = m.right - m.left - indent;
  const headerPt = m.style.headerPt * Math.min(m.scale, 1.2);
  const sectionH = section ? lineHeightMm(headerPt) + 2 : 0;
  const stemLines = wrapText(localText(item.stem, m.lang), width, body, measure);
  const noteLines = note.flatMap((n) => wrapText(n, width, body, measure));
  const noteH = noteLines.length * lh + (noteLines.length ? 1 : 0);
  const reasonLines = wrapText(`(${label(m.lang, 'why')}: ${reason})`, width, m.small, measure);
  const reasonLh = lineHeightMm(m.small);
  const stemH = stemLines.length * lh;
  const aroundAnswerH = sectionH + stemH + noteH + 1.5 + 1 + reasonLines.length * reasonLh;
  const answer = answerArea(m, item, indent, m.bottom - m.top - aroundAnswerH);
  return {
    height: aroundAnswerH + answer.height,
    render: (y0) => {
      const ops: DrawOp[] = [];
      if (section) ops.push({ op: 'text', x: m.left, y: y0 + headerPt * PT_TO_MM * 0.9, sizePt: headerPt, text: section, colour: 'red' });
      const y = y0 + sectionH;
      const stem: DrawOp[] = [
        { op: 'text', x: m.left, y: y + m.ascent, sizePt: body, text: `${number}.`, colour: 'black' },
        ...stemLines.map((line, i): DrawOp => ({ op: 'text', x: m.left + indent, y: y + m.ascent + i * lh, sizePt: body, text: line, colour: 'black' })),
      ];
      noteLines.forEach((line, i) => ops.push({ op: 'text', x: m.left + indent, y: y + stemH + 0.5 + m.ascent + i * lh, sizePt: body, text: line, colour: 'red' }));
      const answerTop = y + stemH + noteH + 1.5;
      const drawn = answer.render(answerTop);
      const reasonTop = answerTop + answer.height + 1;
      const why = reasonLines.map((line, i): DrawOp => ({ op: 'text', x: m.left + indent, y: reasonTop + m.small * PT_TO_MM * 0.9 + i * reasonLh, sizePt: m.small, text: line, colour: 'grey' }));
      return { ops: [...ops, ...stem, ...drawn.ops, ...why], fields: drawn.fields };
    },
  };
}
