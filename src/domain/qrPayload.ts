import { err, ok, type Result } from './result';

/**
 * What a page's QR carries: only the page id, the layout version and a check. No personal data.
 * Text form: `PL1:<pageId>:<layoutVersion>:<check>` where check is 4 hex digits over the rest.
 */
export type QrPayload = { pageId: string; layoutVersion: string };
export type QrPayloadError = { kind: 'not_paperloop' } | { kind: 'bad_check' } | { kind: 'malformed' };

const PREFIX = 'PL1';

function check(s: string): string {
  let h = 0xffff;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) << 8;
    for (let b = 0; b < 8; b++) h = h & 0x8000 ? ((h << 1) ^ 0x1021) & 0xffff : (h << 1) & 0xffff;
  }
  return h.toString(16).toUpperCase().padStart(4, '0');
}

export function encodeQrPayload(p: QrPayload): string {
  const body = `${PREFIX}:${p.pageId}:${p.layoutVersion}`;
  return `${body}:${check(body)}`;
}

export function decodeQrPayload(text: string): Result<QrPayload, QrPayloadError> {
  const parts = text.trim().split(':');
  if (parts[0] !== PREFIX) return err({ kind: 'not_paperloop' });
  if (parts.length !== 4) return err({ kind: 'malformed' });
  const [, pageId, layoutVersion, c] = parts as [string, string, string, string];
  if (check(`${PREFIX}:${pageId}:${layoutVersion}`) !== c.toUpperCase()) return err({ kind: 'bad_check' });
  return ok({ pageId, layoutVersion });
}
