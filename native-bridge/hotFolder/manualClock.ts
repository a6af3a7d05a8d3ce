/** Test support: a hot-folder clock that only moves, and only checks, when the test says so. */
import type { HotFolderClock } from './hotFolderSettings';

export interface ManualClock extends HotFolderClock {
  /** Moves time on by `ms` and runs one complete check of every running batch. */
  tick(ms: number): Promise<void>;
  /** Ticks by `stepMs` until `outcome` settles (at most `maxTicks` times), then returns it. */
  runUntil<T>(outcome: Promise<T>, stepMs: number, maxTicks?: number): Promise<T>;
}

/** Lets pending file I/O and promise callbacks run before the next tick. */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function manualClock(startMs = 0): ManualClock {
  let nowMs = startMs;
  const checks = new Set<() => Promise<void>>();
  const tick = async (ms: number): Promise<void> => {
    nowMs += ms;
    await Promise.all([...checks].map((check) => check()));
    await yieldToIo();
  };
  return {
    now: () => nowMs,
    every(_intervalMs, check) {
      checks.add(check);
      return () => void checks.delete(check);
    },
    tick,
    async runUntil(outcome, stepMs, maxTicks = 1_000) {
      let settled = false;
      void outcome.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (let n = 0; !settled; n++) {
        if (n >= maxTicks) throw new Error(`Still pending after ${maxTicks} ticks of ${stepMs} ms`);
        await tick(stepMs);
      }
      return outcome;
    },
  };
}
