import { describe, expect, it } from 'vitest';
import { main } from '../src/station/cli';
import { tempStation } from './support/station';
import { openDatabase } from '../src/store/database';
import { addCombCrops, combCropsOfClass, resetCombAdaptation } from '../src/store/combCrops';
import { loadCombNet } from '../src/vision/decode';
import { adaptationFrom, adaptedProbabilities, storedInput } from '../src/vision/handwriting/adapt';
import { COMB_CLASSES, readCombBox } from '../src/vision/handwriting/combNet';
import { createImage } from '../src/vision/image';
import { drawPolylines } from '../src/synth/raster';

describe('labelled comb crops in the station database', () => {
  it('are kept per class, adapt the reader after a restart, and reset removes them', () => {
    const opened = openDatabase(':memory:');
    if (!opened.ok) throw new Error('no database');
    const db = opened.value;
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', '7A', 7), ('7B', '7B', 7)`).run();
    const net = loadCombNet();
    const img = createImage(70, 90, 240);
    drawPolylines(img, [[{ x: 40, y: 15 }, { x: 30, y: 75 }]], 5, { level: 30, grain: 0, seed: 1 });
    const r = readCombBox(net, img)!;
    const crop = { itemId: 'i1', box: 1, char: '/', input: storedInput(r), confirmedAt: '2026-12-06T20:00:00Z', actor: 'teacher' };
    addCombCrops(db, [0, 1, 2].map(() => ({ ...crop, classId: '7A' })));
    addCombCrops(db, [{ ...crop, classId: '7B' }]);
    const stored = combCropsOfClass(db, '7A');
    expect(stored).toHaveLength(3);
    expect([...stored[0]!.input]).toEqual([...storedInput(r)]);
    const slash = COMB_CLASSES.indexOf('/');
    const adapted = adaptedProbabilities(adaptationFrom(net, stored), r);
    expect(adapted[slash]).toBeGreaterThan(r.p[slash]!);
    expect(resetCombAdaptation(db, '7A')).toBe(3);
    expect(combCropsOfClass(db, '7A')).toEqual([]);
    expect([...adaptedProbabilities(adaptationFrom(net, combCropsOfClass(db, '7A')), r)]).toEqual([...r.p]);
    expect(combCropsOfClass(db, '7B')).toHaveLength(1);
  });
});

describe('paperloop reader reset-adaptation', () => {
  it('removes the confirmed crops of a class from the station database', async () => {
    const ctx = tempStation();
    const crop = { classId: '7A', itemId: 'i1', box: 0, char: '7', input: new Float32Array(787), confirmedAt: '2026-12-06T20:00:00Z', actor: 'teacher' };
    addCombCrops(ctx.db, [crop, crop]);
    ctx.db.close();
    const lines: string[] = [];
    const code = await main(['node', 'paperloop', '--data', ctx.dir, 'reader', 'reset-adaptation', '--class', '7A', '--json'], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    expect(code, lines.join('\n')).toBe(0);
    expect(JSON.parse(lines.join(''))).toMatchObject({ removed: 2, classId: '7A' });
    const again = tempStation(undefined, ctx.dir);
    expect(combCropsOfClass(again.db, '7A')).toEqual([]);
    again.db.close();
  });
});
