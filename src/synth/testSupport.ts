import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ItemInput } from '../domain/item';
import { A4_STYLE, PageStyle } from '../layout/pageStyle';
import { layoutWorkbook } from '../layout/layoutWorkbook';
import type { PrintedPage } from '../layout/printedPage';
import { loadPageFont, renderPdf, type PageFont } from '../print/pdf';

/**
 * Test support: lays out and renders a small workbook with one item of each type through the same
 * layout and PDF code the station's print handler uses (src/synth may not import src/station).
 */
const require = createRequire(import.meta.url);
let font: PageFont | null = null;
export function testFont(): PageFont {
  font ??= loadPageFont(readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')));
  return font;
}

const common = { subject: 'math', grade: 4, skills: ['g4.test'], minutes: 1, tier: 'core' } as const;
export const TEST_ITEMS: ItemInput[] = [
  { ...common, id: 'sc1', type: 'single_choice', stem: { en: 'Which is 2 + 2?' }, options: [{ key: 'A', text: { en: '3' } }, { key: 'B', text: { en: '4' } }, { key: 'C', text: { en: '5' } }, { key: 'D', text: { en: '22' } }], answer: 'B' },
  { ...common, id: 'mc1', type: 'multiple_choice', stem: { en: 'Which are even?' }, options: [{ key: 'A', text: { en: '2' } }, { key: 'B', text: { en: '3' } }, { key: 'C', text: { en: '8' } }, { key: 'D', text: { en: '9' } }, { key: 'E', text: { en: '10' } }], answer: ['A', 'C', 'E'] },
  { ...common, id: 'tf1', type: 'true_false', stem: { en: '7 is prime.' }, answer: true },
  { ...common, id: 'num1', type: 'numeric', stem: { en: '12 x 12 = ?' }, answer: 144, digits: 4 },
  { ...common, id: 'num2', type: 'numeric', stem: { en: '1.5 - 4 = ?' }, answer: -2.5, digits: 3, decimals: 1, signed: true },
  { ...common, id: 'st1', type: 'short_text', stem: { en: 'Write 0.3 as a fraction.' }, answer: ['3/10'], boxes: 5 },
  { ...common, id: 'op1', type: 'open', stem: { en: 'Show your working: 23 x 4.' }, maxScore: 3, spaceMm: 25 },
].map((i) => ItemInput.parse(i));

export async function buildTestPdf(options: { students?: number; style?: PageStyle; items?: ItemInput[] } = {}): Promise<{ pdf: Uint8Array; pages: PrintedPage[]; items: ItemInput[] }> {
  const style = options.style ?? A4_STYLE;
  const items = options.items ?? TEST_ITEMS;
  const f = testFont();
  let n = 0;
  const laid = Array.from({ length: options.students ?? 1 }, (_, s) =>
    layoutWorkbook(
      {
        jobId: 'PJ-T', workbookId: `WS-T/S${s}`, classId: 'C1', className: 'Class 1', studentId: `S${s}`, studentName: `Student ${s}`, grade: 4,
        language: 'en', largePrint: false, date: '2026-11-25', subject: 'math', tier: 'core', minutes: 10,
        items: items.map((item) => ({ item, reason: 'practice' })),
      },
      style,
      f.measure,
      () => `T01-${String(++n).padStart(6, '0')}`,
    ),
  ).flat();
  const pdf = await renderPdf(laid, f, 'synth test');
  return { pdf, pages: laid.map((p) => p.printed), items };
}

