import { useCallback, useEffect, useRef, useState } from 'react';
import { call, type HandlerError, type HandlerName, type InputOf, type OutputOf } from '../api';

export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: HandlerError } | { status: 'ready'; value: T };
export type HandlerState<N extends HandlerName> = Loaded<OutputOf<N>> & { reload: () => void };

/**
 * Calls a handler when the component mounts and whenever `key` changes (the input's JSON by default).
 * A reload keeps showing the last value until the new one arrives, so a live screen does not flicker.
 */
export function useHandler<N extends HandlerName>(name: N, input: InputOf<N>, key: string = JSON.stringify(input)): HandlerState<N> {
  const [state, setState] = useState<Loaded<OutputOf<N>>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latestInput = useRef(input);
  latestInput.current = input;
  useEffect(() => {
    let current = true;
    void call(name, latestInput.current).then((r) => {
      if (current) setState(r.ok ? { status: 'ready', value: r.value } : { status: 'error', error: r.error });
    });
    return () => void (current = false);
  }, [name, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
