import { useEffect, useRef } from 'react';
import { useStationEvents } from '../events';

/** Events after which a student's state may have changed: pages graded, review decisions made or undone, a roster imported. */
const CHANGES = new Set(['graded', 'reviews_changed', 'school_imported']);
/** A stack grades many pages a second: reload once the burst has settled this long. */
const SETTLE_MS = 1500;

/** Reloads a view when the station grades pages, records review decisions or imports a roster, at most once per burst of events. */
export function useLiveReload(reload: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useStationEvents((e) => {
    if (!CHANGES.has(e.type)) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(reload, SETTLE_MS);
  });
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
}
