import { useState } from 'react';
import type { CallResult, HandlerError, HandlerName } from '../api';

/** A button's call to the station: busy while it runs, the error if it failed, and what to do with the value. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<HandlerError | null>(null);
  const run = async <N extends HandlerName>(request: () => Promise<CallResult<N>>, onOk: (value: Extract<CallResult<N>, { ok: true }>['value']) => void) => {
    setBusy(true);
    setError(null);
    const r = await request();
    setBusy(false);
    if (r.ok) onOk(r.value);
    else setError(r.error);
  };
  return { busy, error, run };
}
