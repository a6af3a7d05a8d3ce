import type { z } from 'zod';
import type { HandlerError, HandlerName, handlers } from '../station/handlers';

/**
 * The typed client of the station's handler map. Inputs and outputs are the handlers' own zod schemas and
 * return types, so the app and the station cannot drift apart. Over HTTP in browser mode and in Electron.
 */
type Handlers = typeof handlers;
export type InputOf<N extends HandlerName> = z.input<Handlers[N]['input']>;
export type OutputOf<N extends HandlerName> = Awaited<ReturnType<Handlers[N]['run']>> extends infer R ? (R extends { ok: true; value: infer V } ? V : never) : never;
export type CallResult<N extends HandlerName> = { ok: true; value: OutputOf<N> } | { ok: false; error: HandlerError };
export type { HandlerError, HandlerName };

/** Failures of the transport itself, in the same shape as a handler's errors. */
export const OFFLINE: HandlerError = { code: 'offline', message: 'the station is not answering.' };
export const UNAUTHORISED: HandlerError = { code: 'unauthorised', message: 'this browser is not signed in.' };

const signInListeners = new Set<() => void>();
/** Called whenever the station answers 401: the shell shows the sign-in form. */
export const onSignInNeeded = (listener: () => void) => {
  signInListeners.add(listener);
  return () => void signInListeners.delete(listener);
};

export async function call<N extends HandlerName>(name: N, input: InputOf<N>): Promise<CallResult<N>> {
  let res: Response;
  try {
    res = await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input), credentials: 'same-origin' });
  } catch {
    return { ok: false, error: OFFLINE };
  }
  if (res.status === 401) {
    for (const l of signInListeners) l();
    return { ok: false, error: UNAUTHORISED };
  }
  try {
    return (await res.json()) as CallResult<N>;
  } catch {
    return { ok: false, error: { code: 'bad_reply', message: `HTTP ${res.status}` } };
  }
}

/** Signs this browser in with a station token (teachers on another machine); the station sets a session cookie. */
export async function signIn(token: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const res = await fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const body = (await res.json()) as { ok: boolean; error?: { message: string } };
    return body.ok ? { ok: true } : { ok: false, message: body.error?.message ?? `HTTP ${res.status}` };
  } catch {
    return { ok: false, message: 'station_offline' };
  }
}
