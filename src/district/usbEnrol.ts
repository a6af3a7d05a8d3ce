/**
 * Enrolment of a station that never sees the network (docs/sync.md, "USB drive"). The station makes its own one-time
 * code, shows it, and puts on the drive its key with a check of the code bound to that key (enrol.json, signed with
 * the key). `district import` records the request as pending; `district approve CODE` finds it by the check and
 * stores a proof, made from the code, that binds the district's key to the station; the next reply on the drive
 * carries the district's keys with that proof, which the station checks against the code it showed.
 * Checks and proofs are scrypt (slow), so the code cannot be found from the drive in a useful time.
 * The station computes the same two values in src/sync/usbEnrol.ts (a district may not import station code).
 */
import { scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { verifyText } from '../domain/syncCrypto';
import { StationId } from '../domain/syncProtocol';

export const USB_ENROL_FORMAT = 'paperloop.usb-enrol/1';
export const USB_ENROL_FILE = 'enrol.json';

const scrypt = (code: string, salt: string) => scryptSync(code.replace(/\D/g, ''), salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('hex');

export const codeCheckOf = (code: string, stationId: string, publicKey: string) => scrypt(code, `${USB_ENROL_FORMAT}|check|${stationId}|${publicKey}`);
export const approvalProofOf = (code: string, stationId: string, districtId: string, districtPublicKey: string) =>
  scrypt(code, `${USB_ENROL_FORMAT}|proof|${stationId}|${districtId}|${districtPublicKey}`);

export const usbEnrolSigningText = (r: { stationId: string; publicKey: string; codeCheck: string }) => `${USB_ENROL_FORMAT}\n${r.stationId}\n${r.publicKey}\n${r.codeCheck}`;

export const UsbEnrolRequest = z.object({
  format: z.literal(USB_ENROL_FORMAT), stationId: StationId, publicKey: z.string().min(40).max(200), codeCheck: z.string().regex(/^[0-9a-f]{64}$/), signature: z.string().max(200),
});
export type UsbEnrolRequest = z.infer<typeof UsbEnrolRequest>;

/** The request, if its signature is by the key it enrols. */
export function verifiedEnrolRequest(json: unknown): UsbEnrolRequest | null {
  const r = UsbEnrolRequest.safeParse(json);
  return r.success && verifyText(r.data.publicKey, usbEnrolSigningText(r.data), r.data.signature) ? r.data : null;
}

export function codeMatches(code: string, stationId: string, publicKey: string, check: string): boolean {
  return timingSafeEqual(Buffer.from(codeCheckOf(code, stationId, publicKey)), Buffer.from(check.padEnd(64, '0').slice(0, 64)));
}
