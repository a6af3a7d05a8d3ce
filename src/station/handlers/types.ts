import type { z } from 'zod';
import type { Result } from '../../domain/result';
import type { StationContext } from '../context';

/** A use case failure the caller must handle: a one-line message, and the full list when there are many. */
export type HandlerError = { code: string; message: string; details?: string[] };
export type HandlerResult<T> = Promise<Result<T, HandlerError>>;

export type Handler<I extends z.ZodType, O> = {
  input: I;
  run: (ctx: StationContext, input: z.infer<I>) => HandlerResult<O>;
};

export const defineHandler = <I extends z.ZodType, O>(input: I, run: (ctx: StationContext, input: z.infer<I>) => HandlerResult<O>): Handler<I, O> => ({ input, run });

export const fail = (code: string, message: string, details?: string[]) => ({ ok: false as const, error: { code, message, ...(details ? { details } : {}) } });
