/**
 * Enrolment of a station that never sees the network: the station makes its one-time code and shows it, and puts its
 * enrolment request on the drive (its key, a check of the code bound to the key, signed with the key); the district
 * admin approves with the code; the district's reply on the drive carries its keys with a proof made from the code,
 * which only a district told the code can make (docs/sync.md). The scrypt salts must stay equal to the district's
 * (src/district/usbEnrol.ts; the sync tests run both sides against each other).
 */
import { randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../domain/result';
import { signText, verifyText } from '../domain/syncCrypto';
import { SignedBundle, USB_FOLDER, USB_REPLY_FILE } from '../domain/syncProtocol';
import { enrolCode, setDistrict, setDistrictUrl, setEnrolCode, type DistrictInfo } from './state';
import type { SyncContext } from './upload';

const FORMAT = 'paperloop.usb-enrol/1';
export const USB_ENROL_FILE = 'enrol.json';
/** The district address of a station that syncs by drive only. */
export const USB_DISTRICT = 'usb:';

const scrypt = (code: string, salt: string) => scryptSync(code.replace(/\D/g, ''), salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('hex');

/** Writes the enrolment request to the drive and keeps the code to show (and to check the district's reply against). */
export function enrolByDrive(ctx: SyncContext, dir: string): Result<{ code: string; folder: string }, string> {
  if (!existsSync(dir)) return err(`${dir}: no such folder. Fix: plug in the drive and give its folder with --usb.`);
  const { stationId, keys } = ctx.client;
  const code = `${randomInt(0, 10000).toString().padStart(4, '0')}-${randomInt(0, 10000).toString().padStart(4, '0')}`;
  const codeCheck = scrypt(code, `${FORMAT}|check|${stationId}|${keys.publicKey}`);
  const signature = signText(keys.privateKey, `${FORMAT}\n${stationId}\n${keys.publicKey}\n${codeCheck}`);
  const folder = join(dir, USB_FOLDER, stationId);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, USB_ENROL_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify({ format: FORMAT, stationId, publicKey: keys.publicKey, codeCheck, signature }));
  renameSync(`${path}.tmp`, path);
  setEnrolCode(ctx.store, code);
  setDistrictUrl(ctx.store, USB_DISTRICT);
  return ok({ code, folder });
}

const ReplyEnrolment = z.object({
  enrolment: z.object({
    district: z.object({ districtId: z.string().min(1), publicKey: z.string().min(40), pseudonymKey: z.string().min(1), sendNames: z.boolean() }),
    proof: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

/**
 * A station enrolled by drive learns its district from the reply: the district's keys count only with the proof made
 * from the code this station showed, and the reply must be signed by those keys. Nothing is kept otherwise.
 */
export function learnDistrictFromDrive(ctx: SyncContext, dir: string): Result<DistrictInfo, string> {
  const code = enrolCode(ctx.store);
  if (!code) return err('this station has no district yet; nothing was applied. Fix: enrol it ("paperloop sync enrol --district URL", or "--usb DIR" without a network).');
  const path = join(dir, USB_FOLDER, ctx.client.stationId, USB_REPLY_FILE);
  if (!existsSync(path)) return err(`${path}: no reply from the district on this drive. Fix: the district admin runs "paperloop district approve ${code}" and then "paperloop district import" on this drive.`);
  let district: DistrictInfo;
  let proof: string;
  try {
    const signed = SignedBundle.parse(JSON.parse(readFileSync(path, 'utf8')));
    const reply = ReplyEnrolment.safeParse(JSON.parse(signed.payload));
    if (!reply.success) return err(`${path}: the reply carries no approval of this station yet. Fix: the district admin runs "paperloop district approve ${code}" and then "paperloop district import" on this drive again.`);
    district = { url: USB_DISTRICT, ...reply.data.enrolment.district };
    proof = reply.data.enrolment.proof;
    if (!verifyText(district.publicKey, signed.payload, signed.signature)) return err(`${path}: the reply is not signed by the key it names (altered); nothing was applied.`);
  } catch (e) {
    return err(`${path}: not a district reply (${(e as Error).message}); nothing was applied.`);
  }
  const expected = scrypt(code, `${FORMAT}|proof|${ctx.client.stationId}|${district.districtId}|${district.publicKey}`);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(proof)))
    return err(`${path}: the reply's approval was not made with the code this station showed (${code}): it is not from the district the admin approved this station at; nothing was applied.`);
  setDistrict(ctx.store, district);
  return ok(district);
}
