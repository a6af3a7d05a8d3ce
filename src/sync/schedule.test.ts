import { describe, expect, it } from 'vitest';
import { err, ok } from '../domain/result';
import { nextRunOf, retryDelayMs, runWithRetries, SYNC_RETRY } from './schedule';

describe('sync schedule', () => {
  it('reads a cron pattern and refuses a bad one with an example', () => {
    const next = nextRunOf('0 18 * * 5', new Date(2026, 11, 6, 12, 0)); // Sunday 6 December 2026, local time
    expect(next.ok && [next.value.getDay(), next.value.getHours(), next.value.getDate()]).toEqual([5, 18, 11]);
    const bad = nextRunOf('61 * * * *', new Date());
    expect(bad.ok ? 'accepted' : bad.error).toMatch(/not a cron pattern.*0 18 \* \* 5/);
  });

  it('retries a failing sync with growing delays until the district answers', async () => {
    const waits: number[] = [];
    let calls = 0;
    const r = await runWithRetries({
      attempt: async () => (++calls < 3 ? err('district down') : ok('synced')),
      scanRunning: () => false,
      wait: async (ms) => void waits.push(ms),
    });
    expect(r).toEqual(ok('synced'));
    expect(calls).toBe(3);
    expect(waits).toEqual([60_000, 120_000]);
  });

  it('never starts while a scan runs', async () => {
    let scanning = 2;
    const attemptsWhileScanning: number[] = [];
    const r = await runWithRetries({
      attempt: async () => {
        attemptsWhileScanning.push(scanning);
        return ok(1);
      },
      scanRunning: () => scanning > 0,
      wait: async () => void scanning--,
    });
    expect(r).toEqual(ok(1));
    expect(attemptsWhileScanning).toEqual([0]);
  });

  it('gives the last error when every attempt failed, and caps the delay', async () => {
    let n = 0;
    const r = await runWithRetries({ attempt: async () => err(`failure ${++n}`), scanRunning: () => false, wait: async () => {} });
    expect(r).toEqual(err(`failure ${SYNC_RETRY.attempts}`));
    expect(retryDelayMs(SYNC_RETRY, 20)).toBe(SYNC_RETRY.maxDelayMs);
  });
});
