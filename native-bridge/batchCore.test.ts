import { describe, expect, it } from 'vitest';
import { createBatch, pairPages, PullQueue, sheetsFromPages, type Outcome, type SheetImages } from './batchCore';
import { err, ok, scanError, type ScannedImage } from './contract';

const page = (n: number): ScannedImage => ({ bytes: new Uint8Array([n]), mediaType: 'image/png' });

describe('PullQueue', () => {
  it('hands entries to waiting and later takers in order, then the end', async () => {
    const q = new PullQueue<number>();
    const waiting = q.take();
    q.push(1);
    q.push(2);
    q.end(scanError('FeederEmpty', 'done'));
    q.push(3); // after the end: dropped
    expect(await waiting).toEqual(ok(1));
    expect(await q.take()).toEqual(ok(2));
    expect(await q.take()).toEqual(err(scanError('FeederEmpty', 'done')));
    expect(await q.take()).toEqual(err(scanError('FeederEmpty', 'done')));
  });

  it('times out a take with the given error', async () => {
    const q = new PullQueue<number>();
    const r = await q.take(20, () => scanError('DeviceError', 'slow'));
    expect(r).toEqual(err(scanError('DeviceError', 'slow')));
    q.push(7); // not lost to the timed-out taker
    expect(await q.take()).toEqual(ok(7));
  });

  it('keeps per-item errors that do not end the queue', async () => {
    const q = new PullQueue<number>();
    q.pushError(scanError('Unsupported', 'bad file'));
    q.push(1);
    expect(await q.take()).toMatchObject({ ok: false, batchContinues: true });
    expect(await q.take()).toEqual(ok(1));
  });
});

describe('pairing', () => {
  const stream = (n: number, end = scanError('FeederEmpty', 'empty')) => {
    let i = 0;
    return async (): Promise<Outcome<ScannedImage>> => (i < n ? ok(page(i++)) : err(end));
  };

  it('pairs a page stream for duplex; a lone last page has no back', async () => {
    const next = sheetsFromPages(stream(3), true);
    const a = await next();
    const b = await next();
    const c = await next();
    expect(a.ok && [a.value.front.bytes[0], a.value.back?.bytes[0]]).toEqual([0, 1]);
    expect(b.ok && [b.value.front.bytes[0], b.value.back]).toEqual([2, undefined]);
    expect(c.ok ? undefined : c.error.kind).toBe('FeederEmpty');
  });

  it('passes a failure on the back side through', async () => {
    const next = sheetsFromPages(stream(1, scanError('Jammed', 'jam')), true);
    const a = await next();
    expect(a.ok ? undefined : a.error.kind).toBe('Jammed');
  });

  it('pairs a finished page list', () => {
    expect(pairPages([page(0), page(1), page(2)], true).map((s) => s.back === undefined)).toEqual([false, true]);
    expect(pairPages([page(0), page(1)], false)).toHaveLength(2);
  });
});

describe('createBatch', () => {
  /** A producer whose sheets arrive a turn of the event loop after they are asked for, counting overlapping calls. */
  function producer(outcomes: Outcome<SheetImages>[]) {
    const log: string[] = [];
    const calls = { inFlight: 0, mostInFlight: 0 };
    return {
      log,
      calls,
      producer: {
        async nextSheet() {
          log.push('next');
          calls.mostInFlight = Math.max(calls.mostInFlight, ++calls.inFlight);
          await new Promise((r) => setImmediate(r));
          calls.inFlight--;
          return outcomes.shift() ?? err(scanError('FeederEmpty', 'empty'));
        },
        async pause() {
          log.push('pause');
        },
        async close() {
          log.push('close');
        },
      },
    };
  }

  it('numbers sheets, serialises calls, and closes once on a terminal error', async () => {
    const { producer: p, log, calls } = producer([ok({ front: page(0) }), ok({ front: page(1) }), err(scanError('Jammed', 'jam'))]);
    const batch = createBatch(p);
    const results = await Promise.all([batch.scanSheet(), batch.scanSheet(), batch.scanSheet(), batch.scanSheet()]);
    expect(results.map((r) => (r.ok ? r.value.index : r.error.kind))).toEqual([0, 1, 'Jammed', 'Jammed']);
    await batch.endBatch();
    await batch.endBatch();
    expect(log.filter((l) => l === 'close')).toHaveLength(1);
    expect(log.filter((l) => l === 'next')).toHaveLength(3);
    expect(calls.mostInFlight).toBe(1);
  });

  it('continues after a per-file error and ends with FeederEmpty after endBatch', async () => {
    const { producer: p } = producer([{ ok: false, error: scanError('Unsupported', 'x.txt'), batchContinues: true }, ok({ front: page(0) })]);
    const batch = createBatch(p);
    expect((await batch.scanSheet()).ok).toBe(false);
    const second = await batch.scanSheet();
    expect(second.ok && second.value.index).toBe(0);
    await batch.endBatch();
    const after = await batch.scanSheet();
    expect(after.ok ? undefined : after.error.kind).toBe('FeederEmpty');
  });
});
