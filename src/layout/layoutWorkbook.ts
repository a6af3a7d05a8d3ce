import { canonicalJson, type ItemInput } from '../domain/item';
import { throwIllegalValue } from '../domain/result';
import type { DrawOp } from './drawOps';
import { hash64 } from './hash';
import type { PageStyle } from './pageStyle';
import type { Field, MarkTarget, PageKind, PrintedPage, Rect, RegistrationMark } from './printedPage';
import { lineHeightMm, PT_TO_MM, wrapText, type MeasureText } from './text';

export type WorkbookToLayOut = {
  jobId: string;
  workbookId: string;
  classId: string;
  className: string;
  studentId: string;
  studentName: string;
  grade: number;
  language: string;
  largePrint: boolean;
  date: string;
  subject: string;
  tier: string;
  minutes: number;
  /**
   * `note`: lines printed between the stem and the answer space (a wrong-question book shows the
   * student's answer, the correct one and a hint there). `section`: a heading printed before the
   * item when it differs from the previous item's (e.g. the knowledge point).
   */
  items: { item: ItemInput; reason: string; note?: string[]; section?: string }[];
  /** Red-flower progress bar for young grades: skills mastered of the unit's skills. */
  flowers?: { mastered: number; total: number };
  kind?: PageKind;
};

/** A laid-out page: the machine-read contract plus what is drawn for people. */
export type LaidOutPage = { printed: PrintedPage; ops: DrawOp[] };

type Block = { height: number; render: (top: number) => { ops: DrawOp[]; fields: Field[] } };

const LABELS: Record<string, Record<string, string>> = {
  zh: { name: '姓名', page: '页', of: '/', minutes: '分钟', true: '对', false: '错', score: '得分', blank: '此页有意留白', flowers: '我的小红花', answer: '答案', why: '为什么' },
  en: { name: 'Name', page: 'page', of: 'of', minutes: 'min', true: 'True', false: 'False', score: 'Score', blank: 'This page is intentionally blank', flowers: 'My red flowers', answer: 'Answer', why: 'why' },
};
const TIER_LABEL: Record<string, Record<string, string>> = {
  zh: { basic: '基础', core: '标准', stretch: '拓展' },
  en: { basic: 'basic', core: 'core', stretch: 'stretch' },
};
const SUBJECTS: Record<string, Record<string, string>> = {
  math: { zh: '数学', en: 'Maths' },
  chinese: { zh: '语文', en: 'Chinese' },
  english: { zh: '英语', en: 'English' },
  science: { zh: '科学', en: 'Science' },
};
const subjectLabel = (subject: string, lang: string) => SUBJECTS[subject]?.[lang] ?? SUBJECTS[subject]?.en ?? subject;
const label = (lang: string, key: string) => (LABELS[lang] ?? LABELS.en!)[key] ?? LABELS.en![key] ?? key;
const text = (t: Record<string, string> | undefined, lang: string) => (t ? (t[lang] ?? t.en ?? t.zh ?? Object.values(t)[0] ?? '') : '');

export function registrationMarks(style: PageStyle): RegistrationMark[] {
  const { widthMm: w, heightMm: h } = style.paper;
  const i = style.markInsetMm;
  return [
    { corner: 'tl', x: i, y: i, size: style.topLeftMarkSizeMm },
    { corner: 'tr', x: w - i, y: i, size: style.markSizeMm },
    { corner: 'br', x: w - i, y: h - i, size: style.markSizeMm },
    { corner: 'bl', x: i, y: h - i, size: style.markSizeMm },
  ];
}

export function qrBox(style: PageStyle): PrintedPage['qr'] {
  return { x: style.paper.widthMm - style.markInsetMm - style.markSizeMm - 10 - style.qrSizeMm, y: 6, size: style.qrSizeMm };
}

/** The hash of a page's geometry. It travels in the QR, so a page that does not match its stored layout is refused. */
export function layoutVersionOf(page: Pick<PrintedPage, 'paper' | 'marks' | 'qr' | 'fields'>): string {
  return hash64(canonicalJson({ paper: page.paper, marks: page.marks, qr: page.qr, fields: page.fields })).slice(0, 12).toUpperCase();
}

/**
 * Lays out one student's workbook into pages. Items never split across pages. Pure: text is
 * measured by the injected function, page ids come from the caller.
 */
export function layoutWorkbook(wb: WorkbookToLayOut, style: PageStyle, measure: MeasureText, pageIds: () => string): LaidOutPage[] {
  const scale = wb.largePrint ? style.largePrintScale : 1;
  const lang = wb.language;
  const body = style.bodyPt * scale;
  const small = style.smallPt * scale;
  const r = style.bubbleRadiusMm * Math.min(scale, 1.25);
  const left = style.marginMm;
  const right = style.paper.widthMm - style.marginMm;
  const top = 34;
  const bottom = style.paper.heightMm - 24;
  const lh = lineHeightMm(body);
  const asc = body * PT_TO_MM * 0.9;

  const blocks: Block[] = wb.items.map(({ item, reason, note, section }, index) =>
    itemBlock(item, index + 1, reason, note ?? [], section !== undefined && section !== wb.items[index - 1]?.section ? section : undefined),
  );

  function stemOps(item: ItemInput, number: number, y: number, indent: number): { ops: DrawOp[]; height: number } {
    const lines = wrapText(text(item.stem, lang), right - left - indent, body, measure);
    const ops: DrawOp[] = [{ op: 'text', x: left, y: y + asc, sizePt: body, text: `${number}.`, colour: 'black' }];
    lines.forEach((line, i) => ops.push({ op: 'text', x: left + indent, y: y + asc + i * lh, sizePt: body, text: line, colour: 'black' }));
    return { ops, height: lines.length * lh };
  }

  function reasonOps(reason: string, y: number, indent: number): { ops: DrawOp[]; height: number } {
    const lines = wrapText(`(${label(lang, 'why')}: ${reason})`, right - left - indent, small, measure);
    const slh = lineHeightMm(small);
    return { ops: lines.map((line, i) => ({ op: 'text' as const, x: left + indent, y: y + small * PT_TO_MM * 0.9 + i * slh, sizePt: small, text: line, colour: 'grey' as const })), height: lines.length * slh };
  }

  function itemBlock(item: ItemInput, number: number, reason: string, note: string[], section: string | undefined): Block {
    const indent = measure(`${number}. `, body) + 1;
    const hp = style.headerPt * Math.min(scale, 1.2);
    const sectionH = section ? lineHeightMm(hp) + 2 : 0;
    const stemH = wrapText(text(item.stem, lang), right - left - indent, body, measure).length * lh;
    const noteLines = note.flatMap((n) => wrapText(n, right - left - indent, body, measure));
    const noteH = noteLines.length * lh + (noteLines.length ? 1 : 0);
    const answer = answerArea(item, indent);
    const reasonH = wrapText(`(${label(lang, 'why')}: ${reason})`, right - left - indent, small, measure).length * lineHeightMm(small);
    const height = sectionH + stemH + noteH + 1.5 + answer.height + 1 + reasonH;
    return {
      height,
      render: (y0) => {
        const ops: DrawOp[] = [];
        if (section) ops.push({ op: 'text', x: left, y: y0 + hp * PT_TO_MM * 0.9, sizePt: hp, text: section, colour: 'red' });
        const y = y0 + sectionH;
        const stem = stemOps(item, number, y, indent);
        noteLines.forEach((line, i) => ops.push({ op: 'text', x: left + indent, y: y + stem.height + 0.5 + asc + i * lh, sizePt: body, text: line, colour: 'red' }));
        const a = answer.render(y + stem.height + noteH + 1.5);
        const why = reasonOps(reason, y + stem.height + noteH + 1.5 + answer.height + 1, indent);
        return { ops: [...ops, ...stem.ops, ...a.ops, ...why.ops], fields: a.fields };
      },
    };
  }

  function bubbleOps(t: MarkTarget): DrawOp {
    return t.shape === 'circle'
      ? { op: 'circle', x: t.x, y: t.y, r: t.r, fill: null, strokeMm: 0.3, colour: 'black' }
      : { op: 'rect', x: t.x - t.r, y: t.y - t.r, w: 2 * t.r, h: 2 * t.r, fill: null, strokeMm: 0.3, colour: 'black' };
  }

  function answerArea(item: ItemInput, indent: number): { height: number; render: (y: number) => { ops: DrawOp[]; fields: Field[] } } {
    const x0 = left + indent;
    const width = right - x0;
    const fieldId = `q${item.id}`;
    switch (item.type) {
      case 'single_choice':
      case 'multiple_choice':
      case 'true_false': {
        const options =
          item.type === 'true_false'
            ? [
                { key: 'T', label: label(lang, 'true') },
                { key: 'F', label: label(lang, 'false') },
              ]
            : item.options.map((o) => ({ key: o.key, label: `${o.key}. ${text(o.text, lang)}` }));
        const cellPad = 2 * r + 3;
        const widest = Math.max(...options.map((o) => measure(o.label, body)));
        const perRow = widest + cellPad + 4 <= width / 2 ? 2 : 1;
        const rowH = Math.max(lh, 2 * r + 1.6);
        const cellLines = options.map((o) => (perRow === 1 ? wrapText(o.label, width - cellPad, body, measure) : [o.label]));
        const rows: number[] = [];
        for (let i = 0; i < options.length; i += perRow) rows.push(Math.max(...cellLines.slice(i, i + perRow).map((l) => l.length)));
        const height = rows.reduce((s, n) => s + Math.max(rowH, n * lh), 0);
        return {
          height,
          render: (y) => {
            const ops: DrawOp[] = [];
            const targets: MarkTarget[] = [];
            let rowTop = y;
            rows.forEach((lines, row) => {
              const h = Math.max(rowH, lines * lh);
              for (let c = 0; c < perRow; c++) {
                const i = row * perRow + c;
                const o = options[i];
                if (!o) continue;
                const cx = x0 + c * (width / 2) + r + 0.5;
                const cy = rowTop + rowH / 2;
                const t: MarkTarget = { value: o.key, x: round(cx), y: round(cy), r, shape: 'circle' };
                targets.push(t);
                ops.push(bubbleOps(t));
                cellLines[i]!.forEach((line, li) =>
                  ops.push({ op: 'text', x: cx + r + 2.5, y: cy + body * PT_TO_MM * 0.35 + li * lh, sizePt: body, text: line, colour: 'black' }),
                );
              }
              rowTop += h;
            });
            return { ops, fields: [{ kind: 'bubbles', id: fieldId, itemId: item.id, multi: item.type === 'multiple_choice', targets }] };
          },
        };
      }
      case 'numeric': {
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
        const height = boxH + 1.5 + 10 * rowPitch;
        return {
          height,
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
            return { ops, fields: [{ kind: 'digit_grid', id: fieldId, itemId: item.id, columns, boxes }] };
          },
        };
      }
      case 'short_text': {
        const boxW = 7 * Math.min(scale, 1.25);
        const boxH = 9 * Math.min(scale, 1.25);
        const digitsOnly = item.answer.every((a) => /^[-0-9./]+$/.test(a));
        return {
          height: boxH,
          render: (y) => {
            const boxes: Rect[] = Array.from({ length: item.boxes }, (_, i) => ({ x: round(x0 + i * boxW), y: round(y), w: round(boxW), h: round(boxH) }));
            const ops: DrawOp[] = boxes.map((b) => ({ op: 'rect', ...b, fill: null, strokeMm: 0.25, colour: 'black' }));
            return { ops, fields: [{ kind: 'comb', id: fieldId, itemId: item.id, boxes, charset: digitsOnly ? 'digits' : 'text' }] };
          },
        };
      }
      case 'open': {
        const space = item.spaceMm * Math.min(scale, 1.2);
        const half = style.scoreBoxHalfMm;
        const scoreRowH = 2 * half + 2;
        return {
          height: space + 1.5 + scoreRowH,
          render: (y) => {
            const box: Rect = { x: round(x0), y: round(y), w: round(width), h: round(space) };
            const ops: DrawOp[] = [{ op: 'rect', ...box, fill: null, strokeMm: 0.2, colour: 'grey' }];
            const pitch = 2 * half + measure('10', small) + 4;
            const startX = right - (item.maxScore + 1) * pitch + half;
            const cy = y + space + 1.5 + half + 1;
            const scoreLabel = `${label(lang, 'score')}:`;
            ops.push({ op: 'text', x: startX - half - 2 - measure(scoreLabel, small), y: cy + small * PT_TO_MM * 0.35, sizePt: small, text: scoreLabel, colour: 'black' });
            const targets: MarkTarget[] = Array.from({ length: item.maxScore + 1 }, (_, s) => ({ value: String(s), x: round(startX + s * pitch + measure('10', small) + 1), y: round(cy), r: half, shape: 'square' }));
            targets.forEach((t, s) => {
              ops.push(bubbleOps(t));
              ops.push({ op: 'text', x: t.x - half - 1 - measure(String(s), small), y: cy + small * PT_TO_MM * 0.35, sizePt: small, text: String(s), colour: 'black' });
            });
            return {
              ops,
              fields: [
                { kind: 'write_in', id: `${fieldId}.work`, itemId: item.id, box },
                { kind: 'score', id: `${fieldId}.score`, itemId: item.id, targets },
              ],
            };
          },
        };
      }
      default:
        return throwIllegalValue(item, 'item type');
    }
  }

  // Paginate: items never split across pages.
  const pagesOfBlocks: Block[][] = [[]];
  let y = top;
  for (const block of blocks) {
    if (y + block.height > bottom && pagesOfBlocks[pagesOfBlocks.length - 1]!.length > 0) {
      pagesOfBlocks.push([]);
      y = top;
    }
    pagesOfBlocks[pagesOfBlocks.length - 1]!.push(block);
    y += block.height + style.itemGapMm;
  }

  const content = pagesOfBlocks.map((pageBlocks) => {
    const ops: DrawOp[] = [];
    const fields: Field[] = [];
    let cursor = top;
    for (const b of pageBlocks) {
      const out = b.render(cursor);
      ops.push(...out.ops);
      fields.push(...out.fields);
      cursor += b.height + style.itemGapMm;
    }
    return { ops, fields };
  });

  const sides: { kind: PageKind; ops: DrawOp[]; fields: Field[] }[] = [];
  for (const c of content) {
    sides.push({ kind: wb.kind ?? 'workbook', ...c });
    if (style.duplex === 'blank_backs') sides.push({ kind: 'blank_back', ops: [], fields: [] });
  }
  // Each student starts on a fresh sheet, so a duplex stack never mixes two students on one sheet.
  if (style.duplex === 'continuous' && sides.length % 2 === 1) sides.push({ kind: 'blank_back', ops: [], fields: [] });

  return sides.map((side, index) => {
    const marks = registrationMarks(style);
    const qr = qrBox(style);
    const geometry = { paper: style.paper, marks, qr, fields: side.fields };
    const printed: PrintedPage = {
      pageId: pageIds(),
      layoutVersion: layoutVersionOf(geometry),
      kind: side.kind,
      jobId: wb.jobId,
      workbookId: wb.workbookId,
      classId: wb.classId,
      studentId: wb.studentId,
      pageNumber: index + 1,
      pageCount: sides.length,
      ...geometry,
    };
    const ops = [...chrome(printed, side.kind), ...side.ops];
    return { printed, ops };
  });

  function chrome(page: PrintedPage, kind: PageKind): DrawOp[] {
    const ops: DrawOp[] = [];
    const hp = style.headerPt * Math.min(scale, 1.2);
    const x = style.markInsetMm + style.topLeftMarkSizeMm;
    ops.push({ op: 'text', x, y: 13, sizePt: hp, text: `${label(lang, 'name')}: ${wb.studentName}`, colour: 'black' });
    ops.push({ op: 'text', x, y: 19.5, sizePt: small, text: `${wb.className} · ${wb.date} · ${subjectLabel(wb.subject, lang)}`, colour: 'black' });
    const tierLabel = (TIER_LABEL[lang] ?? TIER_LABEL.en!)[wb.tier] ?? wb.tier;
    ops.push({
      op: 'text', x, y: 24.5, sizePt: small,
      text: `${tierLabel} · ~${wb.minutes} ${label(lang, 'minutes')} · ${label(lang, 'page')} ${page.pageNumber} ${label(lang, 'of')} ${page.pageCount}`,
      colour: 'grey',
    });
    ops.push({ op: 'line', x1: style.marginMm, y1: 29.5, x2: style.paper.widthMm - style.marginMm, y2: 29.5, strokeMm: 0.3, colour: 'grey' });
    if (kind === 'blank_back')
      ops.push({ op: 'text', x: style.paper.widthMm / 2 - measure(label(lang, 'blank'), body) / 2, y: style.paper.heightMm / 2, sizePt: body, text: label(lang, 'blank'), colour: 'grey' });
    const footY = style.paper.heightMm - 12;
    ops.push({ op: 'text', x: style.markInsetMm + style.markSizeMm + 6, y: footY + 1, sizePt: 6, text: page.pageId, colour: 'grey' });
    if (wb.flowers && wb.grade <= style.youngGradeMax && kind !== 'blank_back') {
      const lbl = `${label(lang, 'flowers')}:`;
      const fx = style.paper.widthMm / 2 - 30;
      ops.push({ op: 'text', x: fx, y: footY + 1, sizePt: small, text: lbl, colour: 'red' });
      const start = fx + measure(lbl, small) + 4;
      for (let i = 0; i < wb.flowers.total; i++) ops.push({ op: 'flower', x: start + i * 6, y: footY, r: 2.2, filled: i < wb.flowers.mastered });
    }
    return ops;
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
