import { useState } from 'react';
import { call, type HandlerError, type InputOf } from '../api';

export type OverrideChange = Omit<InputOf<'override'>, 'classId' | 'studentId'>;

/** Sends one teacher override for a student (the station records who and when), then lets the page reload. */
export function useOverride(classId: string, studentId: string, onChanged: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HandlerError | null>(null);
  const send = async (change: OverrideChange) => {
    setBusy(true);
    const r = await call('override', { classId, studentId, ...change });
    setBusy(false);
    setError(r.ok ? null : r.error);
    if (r.ok) onChanged();
  };
  return { send, busy, error };
}
