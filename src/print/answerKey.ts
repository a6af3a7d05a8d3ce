import { textIn, type ItemInput } from '../domain/item';
import { throwIllegalValue } from '../domain/result';
import type { DrawOp } from '../layout/drawOps';
import type { PageStyle } from '../layout/pageStyle';
import { lineHeightMm, wrapText, type MeasureText } from '../layout/text';
import type { PlainPage } from './pdf';

export function answerText(item: ItemInput, lang: string): string {
  switch (item.type) {
    case 'single_choice':
      return item.answer;
    case 'multiple_choice':
      return item.answer.join(', ');
    case 'true_false':
      return item.answer ? (lang === 'zh' ? '对' : 'True') : lang === 'zh' ? '错' : 'False';
    case 'numeric':
      return item.tolerance > 0 ? `${item.answer} (± ${item.tolerance})` : String(item.answer);
    case 'short_text':
      return item.answer.join(' / ');
    case 'open':
      return `0–${item.maxScore}${item.rubric ? `: ${textIn(item.rubric, lang)}` : ''}`;
    default:
      return throwIllegalValue(item, 'item type');
  }
}

/** The teacher's answer key for a set: every item once, in order, with its answer and hint. */
export function layoutAnswerKey(title: string, items: readonly ItemInput[], lang: string, style: PageStyle, measure: MeasureText): PlainPage[] {
  const size = style.bodyPt;
  const lh = lineHeightMm(size);
  const left = style.marginMm;
  const width = style.paper.widthMm - 2 * style.marginMm;
  const pages: PlainPage[] = [];
  let ops: DrawOp[] = [];
  let y = 0;
  const newPage = () => {
    ops = [{ op: 'text', x: left, y: 20, sizePt: style.headerPt, text: title, colour: 'black' }];
    pages.push({ printed: null, paper: style.paper, ops });
    y = 30;
  };
  newPage();
  items.forEach((item, i) => {
    const lines = [
      ...wrapText(`${i + 1}. [${item.id}] ${textIn(item.stem, lang)}`, width, size, measure),
      ...wrapText(`→ ${answerText(item, lang)}`, width - 6, size, measure).map((l) => `    ${l}`),
      ...(item.hint ? wrapText(textIn(item.hint, lang), width - 6, style.smallPt, measure).map((l) => `    ${l}`) : []),
    ];
    if (y + lines.length * lh > style.paper.heightMm - 20) newPage();
    for (const line of lines) {
      ops.push({ op: 'text', x: left, y, sizePt: size, text: line, colour: line.startsWith('    →') ? 'red' : 'black' });
      y += lh;
    }
    y += 2;
  });
  return pages;
}
