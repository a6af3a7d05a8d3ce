import { beforeAll, describe, expect, it } from 'vitest';
import { A4_STYLE } from '../layout/pageStyle';
import type { PrintedPage } from '../layout/printedPage';
import { zxingReaderWasm } from '../vision/decode';
import { createZxingQrReader, type QrReader } from '../vision/qr';
import { planPattern, READ_BACK_DPIS, readBackPage } from './readBack';
import { openPdf } from './render';
import { buildTestPdf } from './testSupport';

let qr: QrReader;
beforeAll(async () => {
  qr = await createZxingQrReader(zxingReaderWasm());
});

async function readBackAll(style = A4_STYLE) {
  const { pdf, pages } = await buildTestPdf({ style });
  const doc = openPdf(pdf);
  try {
    const out = [];
    for (const [i, page] of pages.entries()) out.push({ page, result: await readBackPage(page, { render: (dpi) => doc.render(i, dpi), qr }) });
    return out;
  } finally {
    doc.close();
  }
}

describe('read-back patterns', () => {
  it('mark every option of a choice of up to three, and every target of a multiple choice, both marked and unmarked', async () => {
    const { pages } = await buildTestPdf();
    const plans = READ_BACK_DPIS.map((_, k) => planPattern(pages[0]!, k));
    for (const f of pages.flatMap((p) => p.fields)) {
      if (f.kind !== 'bubbles' || (!f.multi && f.targets.length > READ_BACK_DPIS.length)) continue;
      for (const t of f.targets) {
        const marked = plans.map((p) => p.marks.some((m) => m.target === t));
        expect(marked, `${f.id} ${t.value}`).toContain(true);
        expect(marked, `${f.id} ${t.value}`).toContain(false);
      }
    }
  });

  it('expect each digit grid to read as a number with every column used', async () => {
    const { pages } = await buildTestPdf();
    const signed = pages.flatMap((p) => p.fields).find((f) => f.itemId === 'num2')!;
    const page = pages.find((p) => p.fields.includes(signed)) as PrintedPage;
    const values = READ_BACK_DPIS.map((_, k) => planPattern(page, k).expected.find((e) => e.fieldId === signed.id));
    expect(values.map((v) => (v?.kind === 'value' ? v.value : null))).toEqual(['-12.3', '45.6', '-78.9']);
  });
});

describe('readBackPage', () => {
  it('reads back every field kind of the test workbook exactly at 150, 200 and 300 dpi', async () => {
    for (const { page, result } of await readBackAll()) {
      expect(result.failures, page.pageId).toEqual([]);
      expect(result.reads).toBe(READ_BACK_DPIS.length);
    }
  }, 120_000);
});
