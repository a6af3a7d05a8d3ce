import type { ItemInput } from '../domain/item';
import { throwIllegalValue } from '../domain/result';
import type { DrawOp } from './drawOps';
import { label, localText } from './labels';
import { round, type PageMetrics } from './pageMetrics';
import type { Field, MarkTarget, Rect } from './printedPage';
import { PT_TO_MM, wrapText } from './text';

/** Something of known height drawn at a y chosen later: its drawing and the fields it prints. */
export type Placed = { height: number; render: (top: number) => { ops: DrawOp[]; fields: Field[] } };

type ItemOf<T extends ItemInput['type']> = Extract<ItemInput, { type: T }>;

/**
 * The answer space of an item: bubbles, a digit grid, a comb of boxes, or a work box with score boxes.
 * An open item's work box shrinks to `roomMm` (what is left of a page), so its score boxes stay on the page.
 */
export function answerArea(m: PageMetrics, item: ItemInput, indent: number, roomMm: number): Placed {
  const x0 = m.left + indent;
  switch (item.type) {
    case 'single_choice':
    case 'multiple_choice':
    case 'true_false':
      return choiceBubbles(m, item, x0);
    case 'numeric':
      return digitGrid(m, item, x0);
    case 'short_text':
      return comb(m, item, x0);
    case 'open':
      return workBoxAndScore(m, item, x0, roomMm);
    default:
      return throwIllegalValue(item, 'item type');
  }
}

export function bubbleOps(t: MarkTarget): DrawOp {
  return t.shape === 'circle'
    ? { op: 'circle', x: t.x, y: t.y, r: t.r, fill: null, strokeMm: 0.3, colour: 'black' }
    : { op: 'rect', x: t.x - t.r, y: t.y - t.r, w: 2 * t.r, h: 2 * t.r, fill: null, strokeMm: 0.3, colour: 'black' };
}

const fieldIdOf = (item: ItemInput) => `q${item.id}`;

/** One bubble per option, two options a row when the widest fits in half the width. */
function choiceBubbles(m: PageMetrics, item: ItemOf<'single_choice' | 'multiple_choice' | 'true_false'>, x0: number): Placed {
  const { body, lineHeight: lh, bubbleRadius: r, measure } = m;
  const width = m.right - x0;
  const options =
    item.type === 'true_false'
      ? [
          { key: 'T', label: label(m.lang, 'true') },
          { key: 'F', label: label(m.lang, 'false') },
        ]
      : item.options.map((o) => ({ key: o.key, label: `${o.key}. ${localText(o.text, m.lang)}` }));
  const cellPad = 2 * r + 3;
  const widest = Math.max(...options.map((o) => measure(o.label, body)));
  const perRow = widest + cellPad + 4 <= width / 2 ? 2 : 1;
  const rowH = Math.max(lh, 2 * r + 1.6);
  const cellLines = options.map((o) => (perRow === 1 ? wrapText(o.label, width - cellPad, body, measure) : [o.label]));
  const rows: number[] = [];
  for (let i = 0; i < options.length; i += perRow) rows.push(Math.max(...cellLines.slice(i, i + perRow).map((l) => l.length)));
  return {
    height: rows.reduce((s, n) => s + Math.max(rowH, n * lh), 0),
    render: (y) => {
      const ops: DrawOp[] = [];
      const targets: MarkTarget[] = [];
      let rowTop = y;
      rows.forEach((lines, row) => {
        for (let c = 0; c < perRow; c++) {
          const i = row * perRow + c;
          const o = options[i];
          if (!o) continue;
          const cx = x0 + c * (width / 2) + r + 0.5;
          const cy = rowTop + rowH / 2;
          const t: MarkTarget = { value: o.key, x: round(cx), y: round(cy), r, shape: 'circle' };
          targets.push(t);
          ops.push(bubbleOps(t));
          cellLines[i]!.forEach((line, li) => ops.push({ op: 'text', x: cx + r + 2.5, y: cy + body * PT_TO_MM * 0.35 + li * lh, sizePt: body, text: line, colour: 'black' }));
        }
        rowTop += Math.max(rowH, lines * lh);
      });
      return { ops, fields: [{ kind: 'bubbles', id: fieldIdOf(item), itemId: item.id, multi: item.type === 'multiple_choice', targets }] };
    },
  };
}

/** Write-in boxes above a bubble column per character: sign, digits, decimal point, digits. */
function digitGrid(m: PageMetrics, item: ItemOf<'numeric'>, x0: number): Placed {
  const { small, bubbleRadius: r, scale, measure } = m;
  const colW = 2 * r + 2.2;
  const rowPitch = 2 * r + 0.9;
  const intDigits = item.digits - item.decimals;
  const roles: ('sign' | 'digit' | 'point')[] = [
    ...(item.signed ? (['sign'] as const) : []),
    ...Array.from({ length: intDigits }, () => 'digit' as const),
    ...(item.decimals > 0 ? (['point'] as const) : []),
    ...Array.from({ length: item.decimals }, () => 'digit' as const),
  ];
  const boxH = 7 * Math.min(scale, 1.25);
  const labelW = measure('0', small) + 2;
  return {
    height: boxH + 1.5 + 10 * rowPitch,
    render: (y) => {
      const ops: DrawOp[] = [];
      const gx = x0 + labelW;
      const gridTop = y + boxH + 1.5;
      for (let d = 0; d <= 9; d++)
        ops.push({ op: 'text', x: x0, y: gridTop + d * rowPitch + rowPitch / 2 + small * PT_TO_MM * 0.35, sizePt: small, text: String(d), colour: 'grey' });
      const columns = roles.map((role, c) => {
        const cx = gx + c * colW + colW / 2;
        const values = role === 'digit' ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : [role === 'sign' ? '-' : '.'];
        const targets: MarkTarget[] = values.map((v, i) => ({ value: v, x: round(cx), y: round(gridTop + i * rowPitch + rowPitch / 2), r, shape: 'circle' }));
        targets.forEach((t) => ops.push(bubbleOps(t)));
        if (role !== 'digit')
          ops.push({ op: 'text', x: cx - measure(values[0]!, small) / 2, y: gridTop + rowPitch * 1.5 + small * PT_TO_MM * 0.35, sizePt: small, text: role === 'sign' ? '−' : '.', colour: 'grey' });
        return { role, targets };
      });
      const boxes: Rect[] = roles.map((_, c) => ({ x: round(gx + c * colW + 0.3), y: round(y), w: round(colW - 0.6), h: round(boxH) }));
      boxes.forEach((b) => ops.push({ op: 'rect', ...b, fill: null, strokeMm: 0.25, colour: 'black' }));
      return { ops, fields: [{ kind: 'digit_grid', id: fieldIdOf(item), itemId: item.id, columns, boxes }] };
    },
  };
}

/** One box per character. */
function comb(m: PageMetrics, item: ItemOf<'short_text'>, x0: number): Placed {
  const boxW = 7 * Math.min(m.scale, 1.25);
  const boxH = 9 * Math.min(m.scale, 1.25);
  const digitsOnly = item.answer.every((a) => /^[-0-9./]+$/.test(a));
  return {
    height: boxH,
    render: (y) => {
      const boxes: Rect[] = Array.from({ length: item.boxes }, (_, i) => ({ x: round(x0 + i * boxW), y: round(y), w: round(boxW), h: round(boxH) }));
      const ops: DrawOp[] = boxes.map((b) => ({ op: 'rect', ...b, fill: null, strokeMm: 0.25, colour: 'black' }));
      return { ops, fields: [{ kind: 'comb', id: fieldIdOf(item), itemId: item.id, boxes, charset: digitsOnly ? 'digits' : 'text' }] };
    },
  };
}

/** A box for the student's work, then a row of score boxes 0..max for the teacher to tick. */
function workBoxAndScore(m: PageMetrics, item: ItemOf<'open'>, x0: number, roomMm: number): Placed {
  const { small, measure } = m;
  const half = m.style.scoreBoxHalfMm;
  const scoreRowH = 2 * half + 2;
  const space = Math.max(0, Math.min(item.spaceMm * Math.min(m.scale, 1.2), roomMm - 1.5 - scoreRowH));
  return {
    height: space + 1.5 + scoreRowH,
    render: (y) => {
      const box: Rect = { x: round(x0), y: round(y), w: round(m.right - x0), h: round(space) };
      const ops: DrawOp[] = [{ op: 'rect', ...box, fill: null, strokeMm: 0.2, colour: 'grey' }];
      const pitch = 2 * half + measure('10', small) + 4;
      const startX = m.right - (item.maxScore + 1) * pitch + half;
      const cy = y + space + 1.5 + half + 1;
      const scoreLabel = `${label(m.lang, 'score')}:`;
      ops.push({ op: 'text', x: startX - half - 2 - measure(scoreLabel, small), y: cy + small * PT_TO_MM * 0.35, sizePt: small, text: scoreLabel, colour: 'black' });
      const targets: MarkTarget[] = Array.from({ length: item.maxScore + 1 }, (_, s) => ({ value: String(s), x: round(startX + s * pitch + measure('10', small) + 1), y: round(cy), r: half, shape: 'square' }));
      targets.forEach((t, s) => {
        ops.push(bubbleOps(t));
        ops.push({ op: 'text', x: t.x - half - 1 - measure(String(s), small), y: cy + small * PT_TO_MM * 0.35, sizePt: small, text: String(s), colour: 'black' });
      });
      return {
        ops,
        fields: [
          { kind: 'write_in', id: `${fieldIdOf(item)}.work`, itemId: item.id, box },
          { kind: 'score', id: `${fieldIdOf(item)}.score`, itemId: item.id, targets },
        ],
      };
    },
  };
}
