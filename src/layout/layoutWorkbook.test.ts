import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemInput } from '../domain/item';
import { fieldRects } from './geometry';
import { layoutWorkbook } from './layoutWorkbook';
import { A4_STYLE, PageStyle } from './pageStyle';
import type { Rect } from './printedPage';

const SEED = Number(process.env.FC_SEED ?? 15);
/** The most answer space the item schema allows an open item (more than a large-print page holds). */
const SCHEMA_MAX_SPACE_MM = 200;
/** A plain measure: every character half an em wide, CJK a full em (layout is pure; any font metric will do). */
const measure = (text: string, sizePt: number) => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 1 : 0.5), 0) * sizePt * (25.4 / 72);

const common = (i: number, stem: string) => ({ id: `it${i}`, subject: 'math', grade: 5, skills: ['s'], minutes: 1, tier: 'core', stem: { en: stem, zh: stem } });
const stemArb = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '7', '+', '中', '文', 'W'), minLength: 1, maxLength: 240 });
const optionsArb = fc.integer({ min: 2, max: 8 }).chain((n) => fc.array(stemArb.map((t) => t.slice(0, 60)), { minLength: n, maxLength: n }));
const itemArb = (i: number, maxSpaceMm: number): fc.Arbitrary<ItemInput> =>
  fc.oneof(
    fc.tuple(stemArb, optionsArb, fc.boolean()).map(([stem, opts, multi]) => {
      const options = opts.map((t, k) => ({ key: String.fromCharCode(65 + k), text: { en: t || 'x' } }));
      return ItemInput.parse(multi ? { ...common(i, stem), type: 'multiple_choice', options, answer: ['A'] } : { ...common(i, stem), type: 'single_choice', options, answer: 'A' });
    }),
    stemArb.map((stem) => ItemInput.parse({ ...common(i, stem), type: 'true_false', answer: true })),
    fc.tuple(stemArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4 }), fc.boolean()).map(([stem, digits, decimals, signed]) =>
      ItemInput.parse({ ...common(i, stem), type: 'numeric', answer: 1, digits, decimals, signed }),
    ),
    fc.tuple(stemArb, fc.integer({ min: 1, max: 12 })).map(([stem, boxes]) => ItemInput.parse({ ...common(i, stem), type: 'short_text', answer: ['1'], boxes })),
    fc.tuple(stemArb, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 10, max: maxSpaceMm })).map(([stem, maxScore, spaceMm]) => ItemInput.parse({ ...common(i, stem), type: 'open', maxScore, spaceMm })),
  );
const workbookArb = (maxSpaceMm: number) => fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({ items: fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i, maxSpaceMm))), largePrint: fc.boolean(), language: fc.constantFrom('en', 'zh'), grade: fc.integer({ min: 1, max: 9 }), blankBacks: fc.boolean() }),
);

type WorkbookCase = { items: ItemInput[]; largePrint: boolean; language: string; grade: number; blankBacks: boolean };

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w - 1e-6 && b.x < a.x + a.w - 1e-6 && a.y < b.y + b.h - 1e-6 && b.y < a.y + a.h - 1e-6;

describe('layoutWorkbook on random item mixes (property, fast-check seed from FC_SEED, default 15)', () => {
  const laidOutCleanly = (wb: WorkbookCase): void => {
        const style = PageStyle.parse({ ...A4_STYLE, duplex: wb.blankBacks ? 'blank_backs' : 'continuous' });
        let n = 0;
        const pages = layoutWorkbook(
          { jobId: 'PJ', workbookId: 'W', classId: 'C', className: 'C', studentId: 'S', studentName: 'S', grade: wb.grade, language: wb.language, largePrint: wb.largePrint, date: '2026-11-25', subject: 'math', tier: 'core', minutes: 10, items: wb.items.map((item) => ({ item, reason: 'practice' })) },
          style,
          measure,
          () => `P-${++n}`,
        );
        const placed = new Set(pages.flatMap((p) => p.printed.fields.map((f) => f.itemId)));
        expect([...placed].sort()).toEqual(wb.items.map((i) => i.id).sort());
        for (const { printed } of pages) {
          const m = style.marginMm;
          const { widthMm: W, heightMm: H } = printed.paper;
          const keepOut: { what: string; rect: Rect }[] = [
            ...printed.marks.map((k) => ({ what: `mark ${k.corner}`, rect: { x: k.x - k.size / 2, y: k.y - k.size / 2, w: k.size, h: k.size } })),
            { what: 'QR', rect: { x: printed.qr.x, y: printed.qr.y, w: printed.qr.size, h: printed.qr.size } },
          ];
          const all = printed.fields.flatMap((f) => fieldRects(f).map((rect) => ({ what: f.id, rect })));
          const problems: string[] = [];
          for (const { what, rect } of all) {
            if (rect.x < m - 1e-6 || rect.y < m - 1e-6 || rect.x + rect.w > W - m + 1e-6 || rect.y + rect.h > H - m + 1e-6) problems.push(`${what} outside the margins: ${JSON.stringify(rect)}`);
            for (const k of keepOut) if (overlap(rect, k.rect)) problems.push(`${what} over the ${k.what}`);
          }
          // No two targets or boxes overlap (a write-in box may hold nothing else either).
          for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (overlap(all[i]!.rect, all[j]!.rect)) problems.push(`${all[i]!.what} over ${all[j]!.what}`);
          expect(problems, printed.pageId).toEqual([]);
        }
  };

  it('keeps every field inside the margins, clear of the marks, the QR and every other field', () => {
    fc.assert(fc.property(workbookArb(SCHEMA_MAX_SPACE_MM), laidOutCleanly), { seed: SEED, numRuns: 150 });
  });

  // An open item whose answer space fills a large-print page once pushed its score boxes past the bottom
  // margin (279.45 mm > 279 mm): the work box now shrinks to what is left of the page.
  it('keeps a page-filling open item inside the margins too, with the work box shrunk to the page', () => {
    const open = ItemInput.parse({ ...common(0, 'a'), type: 'open', maxScore: 1, spaceMm: 191 });
    laidOutCleanly({ items: [open], largePrint: true, language: 'en', grade: 1, blankBacks: false });
  });
});
