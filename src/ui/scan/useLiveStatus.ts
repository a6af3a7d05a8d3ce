import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type OutputOf } from '../api';
import { useConnection, useStationEvents, type StationEvent } from '../events';
import type { Loaded } from '../components/useHandler';

/** The station's events that change what the Scan screen shows. */
const SCAN_EVENTS = new Set(['scan_run', 'session_started', 'scanned', 'read', 'graded', 'problem', 'stopped', 'resumed']);
/** How often an unreachable station is asked again. */
const RETRY_MS = 3000;
export const isScanEvent = (e: StationEvent) => SCAN_EVENTS.has(e.type);

export type ScanStatus = OutputOf<'scanStatus'>;
export type LiveStatus = Loaded<ScanStatus> & { refresh: () => void; stale: boolean };

/**
 * The scan as the station sees it, read again whenever a scan event arrives and when the station is back
 * after a restart (and every few seconds while it cannot be reached). Events only say "something changed": at most one request is in flight, and one more
 * follows it if events came meanwhile, so a fast stack never queues requests. While the station is not
 * reachable the last status stays on screen, marked stale.
 */
export function useLiveStatus(): LiveStatus {
  const [state, setState] = useState<Loaded<ScanStatus>>({ status: 'loading' });
  const [stale, setStale] = useState(false);
  const inFlight = useRef(false);
  const again = useRef(false);
  const mounted = useRef(true);
  const refresh = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    void (async () => {
      do {
        again.current = false;
        const r = await call('scanStatus', {});
        if (!mounted.current) return;
        setStale(!r.ok);
        setState((previous) => (r.ok ? { status: 'ready', value: r.value } : previous.status === 'ready' && r.error.code === 'offline' ? previous : { status: 'error', error: r.error }));
      } while (again.current);
      inFlight.current = false;
    })();
  }, []);
  useEffect(() => {
    mounted.current = true;
    refresh();
    return () => void (mounted.current = false);
  }, [refresh]);
  useStationEvents((e) => {
    if (isScanEvent(e)) refresh();
  });
  // Unreachable: ask again now and then, since no event may come to say the station is back.
  useEffect(() => {
    if (!stale) return;
    const timer = setInterval(refresh, RETRY_MS);
    return () => clearInterval(timer);
  }, [stale, refresh]);
  const connection = useConnection();
  useEffect(() => {
    if (connection === 'connected') refresh();
    else if (connection === 'lost') setStale(true);
  }, [connection, refresh]);
  return { ...state, refresh, stale };
}
