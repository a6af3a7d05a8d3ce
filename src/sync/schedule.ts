/**
 * `paperloop sync schedule "0 18 * * 5"`: a sync on a cron schedule (croner) that waits while a scan
 * runs and retries a failed sync with growing delays until the district answers.
 */
import { Cron } from 'croner';
import { err, ok, type Result } from '../domain/result';

export type RetryPolicy = { attempts: number; firstDelayMs: number; maxDelayMs: number };
/** 1, 2, 4, 8, 16 and 30 minutes: a district that is down for a while is still reached the same evening. */
export const SYNC_RETRY: RetryPolicy = { attempts: 7, firstDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

export const retryDelayMs = (policy: RetryPolicy, attempt: number) => Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** attempt);

/** The next time a cron pattern fires after `from`, or why the pattern is not valid. */
export function nextRunOf(pattern: string, from: Date): Result<Date, string> {
  try {
    const next = new Cron(pattern, { paused: true }).nextRun(from);
    return next ? ok(next) : err(`"${pattern}" never fires again`);
  } catch (e) {
    return err(`"${pattern}" is not a cron pattern (${(e as Error).message}). Example: "0 18 * * 5" is Fridays at 18:00.`);
  }
}

export type ScheduledRun<T> = {
  attempt: () => Promise<Result<T, string>>;
  /** True while a scan session holds the station: no sync starts then. */
  scanRunning: () => boolean;
  wait: (ms: number) => Promise<void>;
  policy?: RetryPolicy;
  log?: (message: string) => void;
};

/** One scheduled sync: waits out a running scan, retries failures with backoff; the last error if every attempt failed. */
export async function runWithRetries<T>(run: ScheduledRun<T>): Promise<Result<T, string>> {
  const policy = run.policy ?? SYNC_RETRY;
  let last: Result<T, string> = err('no attempt was made: a scan ran the whole time');
  for (let i = 0; i < policy.attempts; i++) {
    if (run.scanRunning()) {
      run.log?.(`a scan is running: sync waits ${Math.round(retryDelayMs(policy, i) / 1000)} s`);
      await run.wait(retryDelayMs(policy, i));
      continue;
    }
    last = await run.attempt();
    if (last.ok) return last;
    if (i + 1 < policy.attempts) {
      run.log?.(`sync failed (${last.error}); retry in ${Math.round(retryDelayMs(policy, i) / 1000)} s`);
      await run.wait(retryDelayMs(policy, i));
    }
  }
  return last;
}
