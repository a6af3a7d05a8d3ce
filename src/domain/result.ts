/** Errors as data: expected failures are values, not exceptions. */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

export function throwIllegalValue(value: never, what = 'value'): never {
  throw new Error(`Illegal ${what}: ${JSON.stringify(value)}`);
}
