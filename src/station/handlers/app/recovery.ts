/**
 * Start-up recovery for the app's banner: what an interrupted scan left waiting (queued pages, sessions still
 * marked running), or what the station already finished of one when it started (`paperloop serve` resumes first).
 * The banner's "Finish them now" calls the resumeScans handler.
 */
import { z } from 'zod';
import { ok } from '../../../domain/result';
import { lockHolder } from '../../../store';
import { isStale } from '../../../store/stationLock';
import type { StationContext } from '../../context';
import { defineHandler } from '../types';

/** How resumeUnfinished (../scan.ts) closes a session it finished after an interruption. */
const RESUMED_DETAIL = 'resumed after an interruption';

type Resumed = { sessionId: string; pages: number; graded: number; toReview: number; refused: number };

/** The newest scan session, when it is one the station finished after an interruption, with how its pages ended. */
function lastResumed(ctx: StationContext): Resumed | null {
  const newest = ctx.db.prepare('SELECT id, status, detail FROM scan_sessions ORDER BY started_seq DESC LIMIT 1').get() as
    | { id: string; status: string; detail: string | null }
    | undefined;
  if (!newest || newest.status !== 'finished' || newest.detail !== RESUMED_DETAIL) return null;
  const counts = ctx.db
    .prepare(
      `SELECT count(*) AS pages, coalesce(sum(status = 'graded'), 0) AS graded, coalesce(sum(status = 'needs_review'), 0) AS toReview,
              coalesce(sum(status IN ('refused','duplicate','failed')), 0) AS refused
       FROM scanned_images WHERE session_id = ?`,
    )
    .get(newest.id) as Omit<Resumed, 'sessionId'>;
  return { sessionId: newest.id, ...counts };
}

export const recoveryStatus = defineHandler(z.object({}), async (ctx) => {
  const held = lockHolder(ctx.db);
  // While a scan runs, its queued pages are being read: nothing waits for recovery.
  const scanning = held !== null && !isStale(held);
  const waitingPages = scanning ? 0 : ctx.store.scans.queuedImages().length;
  const waitingSessions = scanning ? 0 : ctx.store.scans.unfinishedSessions().length;
  return ok({ scanning, waiting: { pages: waitingPages, sessions: waitingSessions }, resumed: lastResumed(ctx) });
});

export const recoveryHandlers = { recoveryStatus } as const;
