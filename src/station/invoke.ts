import type { z } from 'zod';
import { err, type Result } from '../domain/result';
import type { StationContext } from './context';
import { handlers, type HandlerName } from './handlers';
import type { HandlerError } from './handlers/types';

type Input<N extends HandlerName> = z.input<(typeof handlers)[N]['input']>;
type Output<N extends HandlerName> = Awaited<ReturnType<(typeof handlers)[N]['run']>> extends Result<infer O, HandlerError> ? O : never;

/** Validates the input with the handler's schema, then runs it. Every transport goes through here. */
export async function invoke<N extends HandlerName>(ctx: StationContext, name: N, input: Input<N>): Promise<Result<Output<N>, HandlerError>> {
  const handler = handlers[name];
  const parsed = handler.input.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    return err({ code: 'bad_input', message: `${name}: ${issues[0]}`, details: issues });
  }
  return (handler.run as (c: StationContext, i: unknown) => Promise<Result<Output<N>, HandlerError>>)(ctx, parsed.data);
}
