/** Signed HTTP requests from a station to its district (global fetch, Ed25519 over method, path, body hash, nonce, time). */
import { randomUUID } from 'node:crypto';
import { signText, sha256Hex, type KeyPair } from '../domain/syncCrypto';
import { requestSigningText, SIGNATURE_HEADERS } from '../domain/syncProtocol';

export type SignedClient = { baseUrl: string; stationId: string; keys: KeyPair; clock: () => Date };
export type DistrictAnswer = { status: number; body: unknown };

export function signatureHeaders(c: SignedClient, method: string, path: string, body: Buffer): Record<string, string> {
  const nonce = randomUUID();
  const timestamp = c.clock().getTime();
  const signature = signText(c.keys.privateKey, requestSigningText({ method, path, bodySha256: sha256Hex(body), nonce, timestamp }));
  return { [SIGNATURE_HEADERS.station]: c.stationId, [SIGNATURE_HEADERS.timestamp]: String(timestamp), [SIGNATURE_HEADERS.nonce]: nonce, [SIGNATURE_HEADERS.signature]: signature };
}

/** Sends one signed request; network failures throw (the caller retries from the district's high-water mark). */
export async function signedRequest(c: SignedClient, method: 'GET' | 'POST', path: string, body?: { bytes: Buffer; contentType: string }): Promise<DistrictAnswer> {
  const bytes = body?.bytes ?? Buffer.alloc(0);
  const headers = { ...signatureHeaders(c, method, path, bytes), ...(body ? { 'content-type': body.contentType } : {}) };
  const res = await fetch(new URL(path, c.baseUrl), { method, headers, body: body ? new Uint8Array(bytes) : undefined, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a non-JSON answer (a proxy's error page) is kept as text for the error message
  }
  return { status: res.status, body: parsed };
}

export const answerError = (what: string, a: DistrictAnswer) =>
  `${what}: the district answered ${a.status} (${typeof a.body === 'object' && a.body && 'error' in a.body ? String((a.body as { error: unknown }).error) : String(a.body).slice(0, 200)})`;
