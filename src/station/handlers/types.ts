import type { z } from 'zod';
import type { Result } from '../../domain/result';
import type { StationContext } from '../context';

/**
 * A use case failure the caller must handle: a one-line message, and the full list when there are many. `params`: facts
 * a translation of the code may name (the app words each code in the teacher's language from its code, details and params).
 */
export type HandlerError = { code: string; message: string; details?: string[]; params?: Record<string, string | number> };
export type HandlerResult<T> = Promise<Result<T, HandlerError>>;

export type Handler<I extends z.ZodType, O> = {
  input: I;
  run: (ctx: StationContext, input: z.infer<I>) => HandlerResult<O>;
};

export const defineHandler = <I extends z.ZodType, O>(input: I, run: (ctx: StationContext, input: z.infer<I>) => HandlerResult<O>): Handler<I, O> => ({ input, run });

export const fail = (code: string, message: string, details?: string[], params?: Record<string, string | number>) => ({
  ok: false as const,
  error: { code, message, ...(details ? { details } : {}), ...(params ? { params } : {}) },
});
