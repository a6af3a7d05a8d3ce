/**
 * Ed25519 keys, signatures and hashes for sync (node:crypto; pure computation, no I/O).
 * Keys travel as base64 DER: public keys as SPKI, private keys as PKCS#8.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

export type KeyPair = { publicKey: string; privateKey: string };

export function newKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

export function signText(privateKey: string, text: string | Buffer): string {
  const key = createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return sign(null, typeof text === 'string' ? Buffer.from(text) : text, key).toString('base64');
}

/** False for a wrong signature and for a malformed key or signature (never throws). */
export function verifyText(publicKey: string, text: string | Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, typeof text === 'string' ? Buffer.from(text) : text, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A student's pseudonym: the same student gives the same pseudonym in one district, and nothing without the district's key. */
export const pseudonymOf = (pseudonymKey: string, studentId: string) => createHmac('sha256', Buffer.from(pseudonymKey, 'base64')).update(studentId).digest('hex').slice(0, 32);
