import { describe, expect, it } from 'vitest';
import { isIgnoredName, memoryLedger, StabilityTracker, takenKey } from './fileStability';

describe('isIgnoredName', () => {
  it.each(['scan.pdf.part', 'x.tmp', '.hidden.png', 'a.crdownload', '~$doc.pdf', 'backup~', 'Thumbs.db', 'upload.filepart'])(
    'ignores %s',
    (name) => expect(isIgnoredName(name)).toBe(true),
  );
  it.each(['scan_0001.pdf', 'IMG_2024.JPG', 'page.tif', 'p0001.pnm'])('takes %s', (name) =>
    expect(isIgnoredName(name)).toBe(false),
  );
});

describe('StabilityTracker', () => {
  it('needs the same size and mtime on two checks at least stableForMs apart', () => {
    const tracker = new StabilityTracker(1000);
    const o = { size: 10, mtimeMs: 5 };
    expect(tracker.observe('a', o, 0)).toBe('changed');
    expect(tracker.observe('a', o, 500)).toBe('waiting');
    expect(tracker.observe('a', o, 1000)).toBe('complete');
  });

  it('starts over while the file grows or is touched', () => {
    const tracker = new StabilityTracker(100);
    expect(tracker.observe('a', { size: 10, mtimeMs: 1 }, 0)).toBe('changed');
    expect(tracker.observe('a', { size: 20, mtimeMs: 2 }, 150)).toBe('changed');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 300)).toBe('changed');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 350)).toBe('waiting');
    expect(tracker.observe('a', { size: 20, mtimeMs: 3 }, 400)).toBe('complete');
  });

  it('never calls an empty file complete', () => {
    const tracker = new StabilityTracker(10);
    tracker.observe('a', { size: 0, mtimeMs: 1 }, 0);
    expect(tracker.observe('a', { size: 0, mtimeMs: 1 }, 1000)).toBe('waiting');
  });
});

describe('ledger keys', () => {
  it('tell a rewritten file from the one taken before', () => {
    const ledger = memoryLedger();
    ledger.add(takenKey('scan.pdf', { size: 100, mtimeMs: 1 }));
    expect(ledger.has(takenKey('scan.pdf', { size: 100, mtimeMs: 1 }))).toBe(true);
    expect(ledger.has(takenKey('scan.pdf', { size: 120, mtimeMs: 2 }))).toBe(false);
  });
});
