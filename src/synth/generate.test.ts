import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import type { MarkTarget, PrintedPage } from '../layout/printedPage';
import { PROFILES, type DegradationProfile } from './degrade';
import { decodeToGrey } from './encode';
import { synthesizeToFolder } from './folder';
import { generateStackArray, makeTruthFile, type SynthImage } from './generate';
import { applyH, type Homography } from '../vision/homography';
import type { GreyImage } from '../vision/image';
import { meanDarknessInCircle, meanDarknessInRect, pxPerMm } from './image';
import { renderPdfPages } from './render';
import { buildTestPdf } from './testSupport';
import { answerKeyFromItems, formatForGrid, MARKINGS, planPage, TruthFile, type FieldTruth, type MarkingProfile } from './truth';

/** A point (mm) of the page through a truth file's mmToImage: where it lands in the image. */
const mmToPx = (m: readonly number[], x: number, y: number) => applyH(m as unknown as Homography, { x, y });

let pdf: Uint8Array;
let pages: PrintedPage[];
let items: Awaited<ReturnType<typeof buildTestPdf>>['items'];
beforeAll(async () => {
  ({ pdf, pages, items } = await buildTestPdf({ students: 2 }));
});

/** No scanner effects at all: images are the marked pages, JPEG at 95. */
const FLAT: DegradationProfile = {
  name: 'flat', angleDeg: 0, perspectiveMm: 0, marginMm: [0, 0], background: [255, 255], blurSigma300: [0, 0], noiseSigma: [0, 0], saltPepper: [0, 0],
  brightness: [0, 0], contrast: [1, 1], unevenness: [0, 0], jpegQuality: [95, 95], upsideDownRate: 0, streakRate: 0,
};
/** The pen styles that select a target, as docs/synth.md's table lists them (erasure and stray do not). */
const SELECTS = new Set(['full', 'partial', 'tick', 'cross', 'light']);
const isSelecting = (pen: string) => SELECTS.has(pen);

/** Every pen style and distractor, often. */
const VARIED: MarkingProfile = { ...MARKINGS.harsh, styles: { full: 1, partial: 1, tick: 1, cross: 1, light: 1 }, erasureRate: 0.5, strayRate: 0.5, blankRate: 0.1 };

const targetsOf = (page: PrintedPage, fieldId: string, column?: number): MarkTarget[] => {
  const f = page.fields.find((x) => x.id === fieldId)!;
  if (f.kind === 'digit_grid') return f.columns[column ?? 0]!.targets;
  return f.kind === 'bubbles' || f.kind === 'score' ? f.targets : [];
};

/** Darkness inside a target (inner 70%, clear of the printed outline) located through mm → image. */
function inner(img: GreyImage, m: readonly number[], t: MarkTarget, k = 0.7): number {
  const c = mmToPx(m, t.x, t.y);
  const e = mmToPx(m, t.x + t.r, t.y);
  const rpx = Math.hypot(e.x - c.x, e.y - c.y);
  return meanDarknessInCircle(img, c.x, c.y, rpx * k);
}

describe('render', () => {
  it('renders a printed PDF with marks and bubbles where the PrintedPage says (within 0.5 mm at 300 dpi)', () => {
    const imgs = renderPdfPages(pdf, 300);
    expect(imgs.length).toBe(pages.length);
    const s = pxPerMm(300);
    imgs.forEach((img, i) => {
      const page = pages[i]!;
      expect(Math.abs(img.width - page.paper.widthMm * s)).toBeLessThan(1.5);
      expect(Math.abs(img.height - page.paper.heightMm * s)).toBeLessThan(1.5);
      for (const mark of page.marks) {
        // Centroid of the dark pixels in a window around the expected centre.
        const half = (mark.size / 2 + 2) * s;
        let sx = 0, sy = 0, n = 0;
        for (let y = Math.floor(mark.y * s - half); y < mark.y * s + half; y++)
          for (let x = Math.floor(mark.x * s - half); x < mark.x * s + half; x++)
            if (img.data[y * img.width + x]! < 128) {
              sx += x + 0.5; sy += y + 0.5; n++;
            }
        expect(Math.hypot(sx / n / s - mark.x, sy / n / s - mark.y)).toBeLessThan(0.5);
        expect(n / (mark.size * s) ** 2).toBeGreaterThan(0.9);
      }
      for (const f of page.fields) {
        const targets = f.kind === 'bubbles' || f.kind === 'score' ? f.targets : f.kind === 'digit_grid' ? f.columns.flatMap((c) => c.targets) : [];
        for (const t of targets) {
          // The printed outline: dark on the ring at radius r, clear at the centre and well outside.
          const ring = ringDarkness(img, t.x * s, t.y * s, t.r * s, t.shape);
          expect(ring).toBeGreaterThan(0.3);
          expect(meanDarknessInCircle(img, t.x * s, t.y * s, t.r * s * 0.5)).toBeLessThan(0.02);
          for (const dr of [-0.5, 0.5]) expect(ringDarkness(img, t.x * s, t.y * s, (t.r + dr) * s, t.shape)).toBeLessThan(ring * 0.5);
        }
      }
    });
  });
});

function ringDarkness(img: GreyImage, cx: number, cy: number, r: number, shape: 'circle' | 'square'): number {
  let sum = 0;
  const n = 720;
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    let x: number, y: number;
    if (shape === 'circle') {
      x = cx + r * Math.cos(a);
      y = cy + r * Math.sin(a);
    } else {
      // Walk the square's perimeter.
      const t = (i / n) * 4, side = Math.floor(t), f = t - side;
      [x, y] = side === 0 ? [cx - r + 2 * r * f, cy - r] : side === 1 ? [cx + r, cy - r + 2 * r * f] : side === 2 ? [cx + r - 2 * r * f, cy + r] : [cx - r, cy + r - 2 * r * f];
    }
    sum += 255 - img.data[Math.floor(y) * img.width + Math.floor(x)]!;
  }
  return sum / n / 255;
}

/** Checks that what truth.json says was drawn is what the image shows, locating targets via mmToImage. */
async function checkTruthAgainstImage(im: SynthImage, strictStyles: boolean): Promise<void> {
  const img = await decodeToGrey(im.bytes);
  expect([img.width, img.height]).toEqual([im.truth.width, im.truth.height]);
  const page = pages.find((p) => p.pageId === im.truth.pageId)!;
  const m = im.truth.mmToImage;
  for (const f of im.truth.fields) {
    if (f.kind === 'bubbles' || f.kind === 'digit_grid') {
      const touched = new Set(f.pens.map((p) => `${p.column ?? 0}:${p.value}`));
      const columns = f.kind === 'digit_grid' ? f.columns.map((_, i) => i) : [0];
      for (const col of columns)
        for (const t of targetsOf(page, f.fieldId, f.kind === 'digit_grid' ? col : undefined)) {
          const pen = f.pens.find((p) => (p.column ?? 0) === col && p.value === t.value)?.pen;
          const d = inner(img, m, t);
          if (!touched.has(`${col}:${t.value}`) || pen === 'stray') expect(d, `${f.fieldId} ${t.value} untouched`).toBeLessThan(0.12);
          else if (pen === 'full') expect(d, `${f.fieldId} ${t.value} full`).toBeGreaterThan(0.5);
          else if (strictStyles && pen === 'light') expect(d).toBeGreaterThan(0.2);
          else if (strictStyles && pen === 'erasure') expect(d).toBeLessThan(0.2);
          else if (strictStyles) expect(d, `${f.fieldId} ${t.value} ${pen}`).toBeGreaterThan(0.05);
        }
      if (f.kind === 'bubbles') expect(f.marked).toEqual(f.pens.filter((p) => isSelecting(p.pen)).map((p) => p.value).sort((a, b) => targetsOf(page, f.fieldId).findIndex((t) => t.value === a) - targetsOf(page, f.fieldId).findIndex((t) => t.value === b)));
    }
    if (f.kind === 'comb' || f.kind === 'digit_grid') {
      const field = page.fields.find((x) => x.id === f.fieldId)!;
      const boxes = field.kind === 'comb' || field.kind === 'digit_grid' ? field.boxes : [];
      f.boxes.forEach((ch, i) => {
        const b = boxes[i]!;
        // Interior of the box, clear of its printed border, in image pixels (axis-aligned pages only).
        const p0 = mmToPx(m, b.x + 0.6, b.y + 0.6);
        const p1 = mmToPx(m, b.x + b.w - 0.6, b.y + b.h - 0.6);
        const d = meanDarknessInRect(img, Math.min(p0.x, p1.x), Math.min(p0.y, p1.y), Math.max(p0.x, p1.x), Math.max(p0.y, p1.y));
        if (ch === '') expect(d, `${f.fieldId} box ${i} empty`).toBeLessThan(0.01);
        else expect(d, `${f.fieldId} box ${i} '${ch}'`).toBeGreaterThan(ch === '.' ? 0.004 : 0.02);
      });
    }
    if (f.kind === 'score' && f.marked !== null) {
      for (const t of targetsOf(page, f.fieldId)) {
        const d = inner(img, m, t, 0.8);
        if (t.value === f.marked) expect(d).toBeGreaterThan(0.04);
        else expect(d).toBeLessThan(0.02);
      }
    }
  }
}

describe('generateStack', () => {
  it('truth matches what was drawn (no scanner effects, every pen style)', async () => {
    const stack = await generateStackArray({ pdf, pages, dpi: 200, seed: 'truth', profile: FLAT, marking: VARIED, answers: 'random', count: 4 });
    expect(stack.length).toBe(4);
    for (const im of stack) await checkTruthAgainstImage(im, true);
    const styles = new Set(stack.flatMap((im) => im.truth.fields.flatMap((f) => (f.kind === 'bubbles' || f.kind === 'digit_grid' ? f.pens.map((p) => p.pen) : []))));
    expect(styles.size).toBeGreaterThanOrEqual(5);
  });

  it('truth locates the marks after skew, perspective and upside-down feeding', async () => {
    const profile: DegradationProfile = { ...PROFILES.typical, angleDeg: 6, perspectiveMm: 2, blurSigma300: [0.5, 0.5], streakRate: 0, saltPepper: [0, 0], jpegQuality: [80, 80] };
    for (const flip of [0, 1]) {
      const stack = await generateStackArray({ pdf, pages, dpi: 200, seed: `geo${flip}`, profile, marking: 'clean', answers: 'random', upsideDownRate: flip, count: 2 });
      for (const im of stack) {
        expect(im.truth.scan.flipped).toBe(flip === 1);
        const img = await decodeToGrey(im.bytes);
        const m = im.truth.mmToImage;
        const page = pages.find((p) => p.pageId === im.truth.pageId)!;
        for (const mark of page.marks) {
          const c = mmToPx(m, mark.x, mark.y);
          expect(meanDarknessInCircle(img, c.x, c.y, (mark.size / 2) * pxPerMm(200) * 0.6)).toBeGreaterThan(0.6);
        }
        for (const f of im.truth.fields)
          if (f.kind === 'bubbles')
            for (const t of targetsOf(page, f.fieldId)) {
              const d = inner(img, m, t);
              if (f.marked.includes(t.value)) expect(d).toBeGreaterThan(0.45);
              else expect(d).toBeLessThan(0.15);
            }
      }
    }
  });

  it('is deterministic per seed', async () => {
    const opts = { pdf, pages, dpi: 100, profile: 'harsh' as const, count: 3, foreignPages: 1, blankBacks: true };
    const a = await generateStackArray({ ...opts, seed: 5 });
    const b = await generateStackArray({ ...opts, seed: 5 });
    const c = await generateStackArray({ ...opts, seed: 6 });
    expect(a.map((x) => x.truth)).toEqual(b.map((x) => x.truth));
    a.forEach((x, i) => expect(Buffer.from(x.bytes).equals(Buffer.from(b[i]!.bytes))).toBe(true));
    expect(Buffer.from(a[0]!.bytes).equals(Buffer.from(c[0]!.bytes))).toBe(false);
  });

  it('builds a stack with blank backs and foreign pages, and a valid truth.json', async () => {
    const stack = await generateStackArray({ pdf, pages, dpi: 100, seed: 'stack', profile: 'typical', count: 5, foreignPages: 3, blankBacks: true, bleedThroughRate: 1 });
    expect(stack.length).toBe(5 * 2 + 3);
    const kinds = stack.map((s) => s.truth.kind);
    expect(kinds.filter((k) => k === 'foreign').length).toBe(3);
    expect(kinds.filter((k) => k === 'blank_back').length).toBe(5);
    stack.forEach((s, i) => {
      if (s.truth.kind === 'blank_back') {
        expect(s.truth.pageId).toBeNull();
        expect(stack[i - 1]!.truth.kind).toBe('workbook'); // a back follows its front
        expect(s.truth.bleedThrough).toBeGreaterThan(0);
      } else if (s.truth.kind === 'foreign') {
        expect(s.truth.pageId).toBeNull();
        expect(s.truth.fields).toEqual([]);
      } else expect(pages.map((p) => p.pageId)).toContain(s.truth.pageId);
      expect(s.truth.index).toBe(i);
    });
    // count 5 over 4 pages cycles back to the first.
    const printed = stack.filter((s) => s.truth.kind === 'workbook').map((s) => s.truth.pdfPage);
    expect(printed).toEqual([0, 1, 2, 3, 0]);
    expect(new Set(stack.map((s) => s.fileName)).size).toBe(stack.length);
    const file = makeTruthFile({ seed: 'stack', dpi: 100, profile: 'typical', pages }, stack.map((s) => s.truth));
    expect(TruthFile.parse(JSON.parse(JSON.stringify(file)))).toEqual(file);
  });

  it('answers from the key are correct', async () => {
    const key = answerKeyFromItems(items);
    const stack = await generateStackArray({ pdf, pages: pages, dpi: 100, seed: 'key', profile: 'clean', answers: 'key', answerKey: key, count: 2 });
    const byItem = new Map(stack.flatMap((s) => s.truth.fields).map((f) => [f.itemId + ':' + f.kind, f]));
    const get = <K extends FieldTruth['kind']>(id: string, kind: K) => byItem.get(`${id}:${kind}`) as Extract<FieldTruth, { kind: K }>;
    expect(get('sc1', 'bubbles').marked).toEqual(['B']);
    expect(get('mc1', 'bubbles').marked).toEqual(['A', 'C', 'E']);
    expect(get('tf1', 'bubbles').marked).toEqual(['T']);
    expect(get('num1', 'digit_grid').text).toBe('144');
    expect(get('num1', 'digit_grid').columns.map((c) => c.marked)).toEqual([null, '1', '4', '4']);
    expect(get('num2', 'digit_grid').text).toBe('-2.5');
    expect(get('num2', 'digit_grid').columns.map((c) => c.marked)).toEqual(['-', null, '2', '.', '5']);
    expect(get('st1', 'comb').text).toBe('3/10');
    expect(get('op1', 'score').marked).toBe('3');
    for (const f of stack.flatMap((s) => s.truth.fields)) if ('intent' in f) expect(f.intent).toBe('correct');
  });
});

describe('answer planning', () => {
  it('answers fit their field types', () => {
    for (let seed = 0; seed < 300; seed++) {
      const page = pages[seed % pages.length]!;
      const plan = planPage(page, seededRng(seed), { answers: 'random', correctRate: 0.7, marking: MARKINGS.harsh });
      for (const f of plan) {
        const field = page.fields.find((x) => x.id === f.fieldId)!;
        if (f.kind === 'bubbles' && field.kind === 'bubbles') {
          if (f.intent === 'blank') expect(f.marked).toEqual([]);
          else if (field.multi) {
            expect(f.marked.length).toBeGreaterThanOrEqual(1);
            expect(f.marked.length).toBeLessThanOrEqual(3);
          } else expect(f.marked.length).toBe(1);
          for (const v of f.marked) expect(field.targets.map((t) => t.value)).toContain(v);
          expect(f.pens.filter((p) => isSelecting(p.pen)).map((p) => p.value).sort()).toEqual([...f.marked].sort());
        }
        if (f.kind === 'digit_grid' && field.kind === 'digit_grid') {
          expect(f.columns.length).toBe(field.columns.length);
          if (f.text === null) {
            expect(f.columns.every((c) => c.marked === null)).toBe(true);
            continue;
          }
          // Reading the marked columns gives back the number.
          const read = f.columns.map((c) => c.marked ?? '').join('');
          expect(Number(read)).toBe(f.value);
          expect(formatForGrid(f.value!, { signed: field.columns.some((c) => c.role === 'sign'), intDigits: field.columns.filter((c, i) => c.role === 'digit' && i < (field.columns.findIndex((x) => x.role === 'point') + 1 || 99)).length, decimals: field.columns.filter((c, i) => c.role === 'digit' && field.columns.findIndex((x) => x.role === 'point') >= 0 && i > field.columns.findIndex((x) => x.role === 'point')).length })).toBe(f.text);
          f.columns.forEach((c, i) => {
            if (c.marked !== null) expect(field.columns[i]!.targets.map((t) => t.value)).toContain(c.marked);
            const pen = f.pens.find((p) => p.column === i && isSelecting(p.pen));
            expect(pen?.value ?? null).toBe(c.marked);
          });
          expect(f.boxes.every((b) => b === '') || f.boxes.every((b, i) => b === (f.columns[i]!.marked ?? ''))).toBe(true);
        }
        if (f.kind === 'comb' && field.kind === 'comb') {
          expect(f.text.length).toBeLessThanOrEqual(field.boxes.length);
          expect(f.boxes.join('')).toBe(f.text);
        }
        if (f.kind === 'score' && field.kind === 'score') expect(field.targets.map((t) => t.value)).toContain(f.marked);
      }
    }
  });

  it('formats numbers for a grid or refuses', () => {
    expect(formatForGrid(144, { signed: false, intDigits: 4, decimals: 0 })).toBe('144');
    expect(formatForGrid(-2.5, { signed: true, intDigits: 2, decimals: 1 })).toBe('-2.5');
    expect(formatForGrid(3, { signed: false, intDigits: 1, decimals: 2 })).toBe('3.00');
    expect(formatForGrid(12345, { signed: false, intDigits: 4, decimals: 0 })).toBeNull();
    expect(formatForGrid(-3, { signed: false, intDigits: 2, decimals: 0 })).toBeNull();
    expect(formatForGrid(2.5, { signed: false, intDigits: 2, decimals: 0 })).toBeNull();
  });
});

describe('synthesizeToFolder', () => {
  it('writes images and truth.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    writeFileSync(join(dir, 'wb.pdf'), pdf);
    writeFileSync(join(dir, 'layout.json'), JSON.stringify({ format: 'paperloop.printed-pages/1', jobId: 'PJ-T', pages }));
    writeFileSync(join(dir, 'items.json'), JSON.stringify({ format: 'paperloop.items/1', items }));
    const progress: number[] = [];
    const r = await synthesizeToFolder({
      pdfPath: join(dir, 'wb.pdf'), layoutJsonPath: join(dir, 'layout.json'), itemsPath: join(dir, 'items.json'), outDir: join(dir, 'out'),
      dpi: 100, seed: 1, profile: 'harsh', foreignPages: 1, onImage: (done) => progress.push(done),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.images).toBe(pages.length + 1);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const truth = TruthFile.parse(JSON.parse(readFileSync(r.value.truthPath, 'utf8')));
    expect(truth.answers).toBe('mixed');
    expect(truth.jobId).toBe('PJ-T');
    expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.jpg')).sort()).toEqual(truth.images.map((i) => i.fileName).sort());
  });

  it('reports a bad layout file as an error value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    writeFileSync(join(dir, 'wb.pdf'), pdf);
    writeFileSync(join(dir, 'layout.json'), JSON.stringify({ format: 'nope' }));
    const r = await synthesizeToFolder({ pdfPath: join(dir, 'wb.pdf'), layoutJsonPath: join(dir, 'layout.json'), outDir: join(dir, 'out'), seed: 1, profile: 'clean' });
    expect(r.ok).toBe(false);
    const missing = await synthesizeToFolder({ pdfPath: join(dir, 'none.pdf'), layoutJsonPath: join(dir, 'layout.json'), outDir: join(dir, 'out'), seed: 1, profile: 'clean' });
    expect(missing.ok).toBe(false);
  });

  it('refuses a layout that does not match the PDF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    writeFileSync(join(dir, 'wb.pdf'), pdf);
    writeFileSync(join(dir, 'layout.json'), JSON.stringify({ format: 'paperloop.printed-pages/1', jobId: 'PJ-T', pages: pages.slice(0, 1) }));
    const r = await synthesizeToFolder({ pdfPath: join(dir, 'wb.pdf'), layoutJsonPath: join(dir, 'layout.json'), outDir: join(dir, 'out'), seed: 1, profile: 'clean' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/4 pages but the layout lists 1/);
  });
});
