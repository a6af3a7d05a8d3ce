import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BubbleField } from '../src/layout/printedPage';
import type { TargetsMeasure } from '../src/vision/bubbles';
import { interpretBubbles } from '../src/vision/interpret';
import { VisionSettings } from '../src/vision/settings';

/** ARCHITECTURE.md: every threshold is a named setting with a default, and each default lives in exactly one place. */

/** A single-choice field whose B bubble is a marginal mark (a light, even fill): it goes to review. */
const field: BubbleField = { kind: 'bubbles', id: 'q1', itemId: 'i1', multi: false, targets: [] };
function measured(fillOfB: number): TargetsMeasure {
  return {
    offset: { x: 0, y: 0 },
    alignment: 0.5,
    fills: ['A', 'B', 'C'].map((value, i) => {
      const fill = value === 'B' ? fillOfB : 0;
      return { value, fill, dark: 0, spread: 0, expected: { x: 100 + 50 * i, y: 100 }, found: { x: 100 + 50 * i, y: 100 }, radiusPx: 24, paper: 240 };
    }),
  };
}

describe('the review confidence cap is a setting', () => {
  it('a read sent to review reports at most review.maxConfidence', () => {
    const defaults = VisionSettings.parse({});
    const marginalFill = (defaults.bubbles.marginal + defaults.bubbles.lightFill) / 2;
    const read = interpretBubbles(field, measured(marginalFill), defaults);
    expect(read.status).toBe('review');
    expect(read.confidence).toBeLessThanOrEqual(defaults.review.maxConfidence);
    const stricter = VisionSettings.parse({ review: { maxConfidence: 0.2 } });
    const capped = interpretBubbles(field, measured(marginalFill), stricter);
    expect(capped.status).toBe('review');
    expect(capped.confidence).toBeLessThanOrEqual(0.2);
  });
});

const root = join(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !path.includes('/testing/') ? [path] : [];
  });
const productCode = ['src', 'electron'].flatMap((dir) => sources(join(root, dir))).map((path) => ({ file: relative(root, path), text: readFileSync(path, 'utf8') }));
const filesOf = (places: readonly string[]) => places.map((place) => place.split(':')[0]);
const placesOf = (pattern: RegExp) =>
  productCode.flatMap(({ file, text }) => text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}`] : [])));

describe('each default is written once', () => {
  it('the review confidence cap: no literal cap left in the reader', () => {
    expect(placesOf(/Math\.min\(\s*(0\.5\s*,|[^)]*,\s*0\.5\s*\))/)).toEqual([]);
  });

  it('the browser-mode port', () => {
    expect(filesOf(placesOf(/\b4780\b/))).toEqual(['src/domain/networkSettings.ts']);
  });

  it('the scan resolution', () => {
    const places = placesOf(/[dD](pi|PI)\b.*(default\(\s*300\s*\)|Number,\s*300\b|(\?\?|=)\s*300\b)/);
    expect(filesOf(places)).toEqual(['src/domain/scanDpi.ts']);
  });

  it('the duplex default', () => {
    expect(filesOf(placesOf(/\.default\(\s*'(continuous|blank_backs)'\s*\)/))).toEqual(['src/domain/settings.ts']);
  });

  it('the registration mark sizes', () => {
    expect(filesOf(placesOf(/([mM]arkSizeMm|MarkMm)\b.*\.default\(\s*\d/))).toEqual(['src/domain/registrationMarks.ts', 'src/domain/registrationMarks.ts']);
  });
});
