import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyH, boundingBox, composeH, invertH, localScale, mapRect, reprojectionError, solveHomography, type Homography } from './homography';

const keystone: Homography = [11.8, 0.9, 120, -1.1, 11.7, 80, 0.0004, -0.0002, 1];
const square = [
  { x: 12, y: 12 },
  { x: 198, y: 12 },
  { x: 198, y: 285 },
  { x: 12, y: 285 },
];

describe('homography', () => {
  it('solves exactly from 4 pairs and maps points in between', () => {
    const pairs = square.map((p) => ({ from: p, to: applyH(keystone, p) }));
    const h = solveHomography(pairs)!;
    expect(reprojectionError(h, pairs)).toBeLessThan(1e-6);
    const q = applyH(h, { x: 100, y: 150 });
    const want = applyH(keystone, { x: 100, y: 150 });
    expect(q.x).toBeCloseTo(want.x, 6);
    expect(q.y).toBeCloseTo(want.y, 6);
  });

  it('least-squares over more than 4 noisy pairs', () => {
    const pts = [...square, { x: 105, y: 20 }, { x: 105, y: 280 }, { x: 20, y: 150 }, { x: 190, y: 150 }];
    const pairs = pts.map((p, i) => {
      const t = applyH(keystone, p);
      return { from: p, to: { x: t.x + ((i % 3) - 1) * 0.5, y: t.y + ((i % 2) - 0.5) * 0.5 } };
    });
    const h = solveHomography(pairs)!;
    expect(reprojectionError(h, pairs)).toBeLessThan(1.5);
  });

  it('inverts and composes', () => {
    const inv = invertH(keystone);
    const p = applyH(inv, applyH(keystone, { x: 33, y: 44 }));
    expect(p.x).toBeCloseTo(33, 8);
    expect(p.y).toBeCloseTo(44, 8);
    const id = composeH(inv, keystone);
    [1, 0, 0, 0, 1, 0, 0, 0, 1].forEach((v, i) => expect(id[i]).toBeCloseTo(v, 8));
    expect(() => invertH([1, 2, 3, 2, 4, 6, 0, 0, 0])).toThrow();
  });

  it('refuses degenerate input', () => {
    expect(solveHomography(square.slice(0, 3).map((p) => ({ from: p, to: p })))).toBeNull();
    const collinear = [0, 1, 2, 3].map((i) => ({ from: { x: i, y: i }, to: { x: 2 * i, y: 2 * i } }));
    expect(solveHomography(collinear)).toBeNull();
  });

  it('reports local scale, mapped rectangles and bounding boxes', () => {
    const s: Homography = [10, 0, 5, 0, 10, 7, 0, 0, 1];
    expect(localScale(s, { x: 3, y: 3 })).toBeCloseTo(10);
    const q = mapRect(s, { x: 1, y: 2, w: 3, h: 4 });
    expect(q[2]).toEqual({ x: 45, y: 67 });
    expect(boundingBox(q, 1)).toEqual({ x: 14, y: 26, w: 32, h: 42 });
  });

  it('maps the page onto any convex quadrilateral: corners exactly, and the centre onto the crossing of its diagonals (property)', () => {
    // A general projective map: each corner of the page goes its own way (shear, uneven scale, keystone on both axes).
    const cross = (p1: { x: number; y: number }, p2: { x: number; y: number }, p3: { x: number; y: number }, p4: { x: number; y: number }) => {
      const d = (p1.x - p2.x) * (p3.y - p4.y) - (p1.y - p2.y) * (p3.x - p4.x);
      const a = p1.x * p2.y - p1.y * p2.x;
      const b = p3.x * p4.y - p3.y * p4.x;
      return { x: (a * (p3.x - p4.x) - (p1.x - p2.x) * b) / d, y: (a * (p3.y - p4.y) - (p1.y - p2.y) * b) / d };
    };
    const convex = (q: { x: number; y: number }[]) => {
      const signs = q.map((p, i) => {
        const b = q[(i + 1) % 4]!;
        const c = q[(i + 2) % 4]!;
        return Math.sign((b.x - p.x) * (c.y - b.y) - (b.y - p.y) * (c.x - b.x));
      });
      return signs.every((x) => x === signs[0] && x !== 0);
    };
    const offset = fc.record({ x: fc.double({ min: -600, max: 600, noNaN: true }), y: fc.double({ min: -600, max: 600, noNaN: true }) });
    fc.assert(
      fc.property(fc.double({ min: 3, max: 14, noNaN: true }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.tuple(offset, offset, offset, offset), (s, a, offs) => {
        const quad = square.map((p, i) => ({
          x: 1500 + s * (Math.cos(a) * (p.x - 105) - Math.sin(a) * (p.y - 148)) + offs[i]!.x,
          y: 1500 + s * (Math.sin(a) * (p.x - 105) + Math.cos(a) * (p.y - 148)) + offs[i]!.y,
        }));
        fc.pre(convex(quad));
        const h = solveHomography(square.map((p, i) => ({ from: p, to: quad[i]! })));
        if (!h) return false;
        const scale = Math.max(...quad.map((q) => Math.hypot(q.x - 1500, q.y - 1500)));
        const tol = 1e-6 * scale;
        const cornersOk = square.every((p, i) => Math.hypot(applyH(h, p).x - quad[i]!.x, applyH(h, p).y - quad[i]!.y) < tol);
        const centre = applyH(h, cross(square[0]!, square[2]!, square[1]!, square[3]!));
        const want = cross(quad[0]!, quad[2]!, quad[1]!, quad[3]!);
        const back = applyH(invertH(h), quad[2]!);
        return cornersOk && Math.hypot(centre.x - want.x, centre.y - want.y) < tol && Math.hypot(back.x - square[2]!.x, back.y - square[2]!.y) < 1e-6 * 300;
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('round-trips any turn, scale and shift (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: 2, max: 20, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -0.0005, max: 0.0005, noNaN: true }),
        (a, s, t, g) => {
          const h: Homography = [s * Math.cos(a), -s * Math.sin(a), t, s * Math.sin(a), s * Math.cos(a), -t, g, 0, 1];
          const pairs = square.map((p) => ({ from: p, to: applyH(h, p) }));
          const solved = solveHomography(pairs)!;
          const p = applyH(solved, { x: 77, y: 133 });
          const want = applyH(h, { x: 77, y: 133 });
          return Math.hypot(p.x - want.x, p.y - want.y) < 1e-4 * s * 100;
        },
      ),
      { numRuns: 200 },
    );
  });
});
