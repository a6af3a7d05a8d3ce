import { useEffect, useRef, useState } from 'react';

/** One event of the station's stream (scan progress, hotplug, review changes): see src/station/events.ts. */
export type StationEvent = { type: string; [key: string]: unknown };
export type Connection = 'connecting' | 'connected' | 'lost';

type Listener = (e: StationEvent) => void;
const listeners = new Set<Listener>();
const connectionListeners = new Set<(c: Connection) => void>();
let source: EventSource | null = null;
let connection: Connection = 'connecting';

function setConnection(next: Connection) {
  connection = next;
  for (const l of connectionListeners) l(next);
}

/** One EventSource for the whole app; it reconnects by itself when the station comes back. */
export function connectEvents() {
  source?.close();
  source = new EventSource('/events');
  source.onopen = () => setConnection('connected');
  source.onerror = () => setConnection('lost');
  source.onmessage = (m) => {
    const e = JSON.parse(m.data as string) as StationEvent;
    for (const l of listeners) l(e);
  };
}

/** Calls listener with every station event while the component is mounted. */
export function useStationEvents(listener: Listener) {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const l: Listener = (e) => latest.current(e);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

export function useConnection(): Connection {
  const [state, setState] = useState(connection);
  useEffect(() => {
    connectionListeners.add(setState);
    return () => void connectionListeners.delete(setState);
  }, []);
  return state;
}
