import { useEffect, useRef } from 'react';
import { useStationEvents } from '../events';

/**
 * Pages arriving, a scan ending, reviews being settled: the station's events change what a summary shows.
 * Reloads once after a burst of events (at most every `ms`), so the last state always arrives.
 */
export function useReloadOnEvents(reload: () => void, ms = 1500) {
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useStationEvents(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reload();
    }, ms);
  });
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);
}
