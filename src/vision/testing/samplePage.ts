/** A small sample PrintedPage for vision tests: A4, the standard marks, a 22 mm QR, a few fields. */
import { layoutVersionOf } from '../../layout/layoutWorkbook';
import type { Field, MarkTarget, PrintedPage, Rect } from '../../layout/printedPage';

export type SamplePageOptions = {
  pageId?: string;
  /** Extra single-choice rows (A–D) below the fixed fields, to make a realistic load. */
  extraRows?: number;
};

const r2 = (v: number) => Math.round(v * 100) / 100;

function row(y: number, x0: number, values: string[], r = 2, pitch = 15): MarkTarget[] {
  return values.map((value, i) => ({ value, x: r2(x0 + i * pitch), y, r, shape: 'circle' as const }));
}

/** A digit grid as the layout engine builds it: optional sign column, digits, point, decimals. */
function digitGrid(id: string, itemId: string, x0: number, y: number, roles: ('sign' | 'digit' | 'point')[], r = 2): Field {
  const colW = 2 * r + 2.2;
  const rowPitch = 2 * r + 0.9;
  const boxH = 7;
  const gridTop = y + boxH + 1.5;
  const columns = roles.map((role, c) => {
    const cx = x0 + c * colW + colW / 2;
    const values = role === 'digit' ? ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] : [role === 'sign' ? '-' : '.'];
    const targets: MarkTarget[] = values.map((v, i) => ({ value: v, x: r2(cx), y: r2(gridTop + i * rowPitch + rowPitch / 2), r, shape: 'circle' }));
    return { role, targets };
  });
  const boxes: Rect[] = roles.map((_, c) => ({ x: r2(x0 + c * colW + 0.3), y: r2(y), w: r2(colW - 0.6), h: boxH }));
  return { kind: 'digit_grid', id, itemId, columns, boxes };
}

export function samplePage(opts: SamplePageOptions = {}): PrintedPage {
  const fields: Field[] = [
    { kind: 'bubbles', id: 'q1', itemId: 'i1', multi: false, targets: row(45, 40, ['A', 'B', 'C', 'D']) },
    { kind: 'bubbles', id: 'q2', itemId: 'i2', multi: false, targets: row(57, 40, ['T', 'F'], 2, 20) },
    { kind: 'bubbles', id: 'q3', itemId: 'i3', multi: true, targets: row(69, 40, ['A', 'B', 'C', 'D', 'E']) },
    digitGrid('q4', 'i4', 40, 80, ['sign', 'digit', 'digit', 'point', 'digit']),
    { kind: 'comb', id: 'q5', itemId: 'i5', charset: 'digits', boxes: [0, 1, 2, 3].map((i) => ({ x: 120 + i * 9, y: 85, w: 9, h: 11 })) },
    { kind: 'write_in', id: 'q6.work', itemId: 'i6', box: { x: 110, y: 105, w: 82, h: 28 } },
    { kind: 'score', id: 'q6', itemId: 'i6', targets: [0, 1, 2, 3].map((s) => ({ value: String(s), x: 140 + s * 12, y: 140, r: 2.5, shape: 'square' as const })) },
  ];
  for (let k = 0; k < (opts.extraRows ?? 0); k++) {
    const y = 160 + (k % 20) * 6;
    const x0 = k < 20 ? 40 : 130;
    fields.push({ kind: 'bubbles', id: `x${k + 1}`, itemId: `ix${k + 1}`, multi: false, targets: row(y, x0, ['A', 'B', 'C', 'D'], 2, 12) });
  }
  const geometry = {
    paper: { name: 'A4', widthMm: 210, heightMm: 297 },
    marks: [
      { corner: 'tl' as const, x: 12, y: 12, size: 8 },
      { corner: 'tr' as const, x: 198, y: 12, size: 5 },
      { corner: 'br' as const, x: 198, y: 285, size: 5 },
      { corner: 'bl' as const, x: 12, y: 285, size: 5 },
    ],
    qr: { x: 161, y: 6, size: 22 },
    fields,
  };
  return {
    pageId: opts.pageId ?? 'ST01-000001',
    layoutVersion: layoutVersionOf(geometry),
    kind: 'workbook',
    jobId: 'J1',
    workbookId: 'W1',
    classId: 'C1',
    studentId: 'S1',
    pageNumber: 1,
    pageCount: 1,
    ...geometry,
  };
}

/** The sample page and a store lookup that knows only it. */
export function sampleStore(opts: SamplePageOptions = {}): { page: PrintedPage; lookup: (id: string) => PrintedPage | null } {
  const page = samplePage(opts);
  return { page, lookup: (id) => (id === page.pageId ? page : null) };
}
