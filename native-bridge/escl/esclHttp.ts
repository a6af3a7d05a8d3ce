/** The few HTTP calls eSCL needs, over Node's fetch, with timeouts and errors as data. */
import { err, ok, scanError, type Result, type ScanError } from '../contract';

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  /** The whole body: eSCL servers often close the connection instead of sending Content-Length. */
  readonly body: Uint8Array;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly timeoutMs: number;
  /** Sent as a string, so fetch sends Content-Length rather than a chunked body. */
  readonly body?: string;
  readonly contentType?: string;
}

export async function httpRequest(url: string, request: HttpRequest): Promise<Result<HttpReply, ScanError>> {
  try {
    const response = await fetch(url, {
      method: request.method,
      signal: AbortSignal.timeout(request.timeoutMs),
      ...(request.body === undefined
        ? {}
        : { body: request.body, headers: { 'Content-Type': request.contentType ?? 'text/xml' } }),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return ok({ status: response.status, headers: response.headers, body });
  } catch (cause) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}${causeCode(cause)}` : String(cause);
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    return err(
      scanError(
        'Disconnected',
        timedOut ? `The scanner did not answer within ${request.timeoutMs} ms` : 'Cannot reach the scanner',
        `${request.method} ${url}: ${reason}`,
      ),
    );
  }
}

function causeCode(error: Error): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return cause !== undefined && typeof cause.code === 'string' ? ` (${cause.code})` : '';
}

export const bodyText = (reply: HttpReply): string => new TextDecoder().decode(reply.body);

/** Retry-After in ms (seconds form only), if the server sent one. */
export function retryAfterMs(reply: HttpReply): number | undefined {
  const value = reply.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
