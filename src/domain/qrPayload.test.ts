import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQrPayload, encodeQrPayload } from './qrPayload';

const SEED = Number(process.env.FC_SEED ?? 15);
const idArb = fc.stringMatching(/^[A-Z0-9]{2,6}-[0-9]{1,8}$/);
const versionArb = fc.stringMatching(/^[0-9a-f]{4,16}$/);
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

describe('QR payload (property, fast-check seed from FC_SEED, default 15)', () => {
  it('gives back the page id and layout version it was made from', () => {
    fc.assert(
      fc.property(idArb, versionArb, (pageId, layoutVersion) => {
        const text = encodeQrPayload({ pageId, layoutVersion });
        expect(text.startsWith(`PL1:${pageId}:${layoutVersion}:`)).toBe(true);
        expect(decodeQrPayload(text)).toEqual({ ok: true, value: { pageId, layoutVersion } });
        // Scanners pad with spaces and some print the hex check in lower case.
        expect(decodeQrPayload(` ${text.slice(0, -4)}${text.slice(-4).toLowerCase()}\n`).ok).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('refuses every payload with one character changed (a misread module), never reading another page', () => {
    fc.assert(
      fc.property(idArb, versionArb, fc.nat(), printable, (pageId, layoutVersion, at, ch) => {
        const text = encodeQrPayload({ pageId, layoutVersion });
        const i = at % text.length;
        fc.pre(text[i]!.toUpperCase() !== ch.toUpperCase() || (i < text.length - 4 && text[i] !== ch));
        const changed = text.slice(0, i) + ch + text.slice(i + 1);
        const r = decodeQrPayload(changed);
        expect(r.ok, `${text} → ${changed}`).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('refuses every payload with two neighbouring characters swapped', () => {
    fc.assert(
      fc.property(idArb, versionArb, fc.nat(), (pageId, layoutVersion, at) => {
        const text = encodeQrPayload({ pageId, layoutVersion });
        const i = at % (text.length - 1);
        fc.pre(text[i]!.toUpperCase() !== text[i + 1]!.toUpperCase());
        const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
        expect(decodeQrPayload(swapped).ok, `${text} → ${swapped}`).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('calls anything without the PaperLoop prefix not ours, and a PaperLoop prefix with the wrong shape malformed', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = decodeQrPayload(text);
        if (text.trim().split(':')[0] !== 'PL1') expect(r).toEqual({ ok: false, error: { kind: 'not_paperloop' } });
        else if (text.trim().split(':').length !== 4) expect(r).toEqual({ ok: false, error: { kind: 'malformed' } });
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(decodeQrPayload('PL1:ST01-000001:abcd')).toEqual({ ok: false, error: { kind: 'malformed' } });
    expect(decodeQrPayload('https://example.org/PL1')).toEqual({ ok: false, error: { kind: 'not_paperloop' } });
  });
});
