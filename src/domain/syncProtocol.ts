/**
 * The sync protocol between a station and its district server: payload schemas and the exact
 * bytes each side signs. Pure: both src/sync (station) and src/district (server) import it.
 */
import { z } from 'zod';
import { ItemInput } from './item';
import { Skill } from './skills';
import { ItemParameters, SharedWorkbookSet } from './districtBank';

export const SYNC_PROTOCOL = 'paperloop.sync/1';
/** A signed request older or newer than this (either way, in ms) is refused as expired. */
export const REQUEST_WINDOW_MS = 5 * 60 * 1000;
/** About this many log entries go up in one chunk. */
export const CHUNK_ENTRIES = 500;

export const SIGNATURE_HEADERS = {
  station: 'x-paperloop-station',
  timestamp: 'x-paperloop-timestamp',
  nonce: 'x-paperloop-nonce',
  signature: 'x-paperloop-signature',
} as const;

export const StationId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/);

/** The bytes a station signs for one request: method, path (with query), body hash, nonce, timestamp. */
export function requestSigningText(r: { method: string; path: string; bodySha256: string; nonce: string; timestamp: number }): string {
  return [SYNC_PROTOCOL, r.method.toUpperCase(), r.path, r.bodySha256, r.nonce, String(r.timestamp)].join('\n');
}

const ResponseEntry = z.object({
  seq: z.number().int().positive(),
  kind: z.literal('response'),
  /** The student's pseudonym (a keyed hash per district), or the id itself when the district setting allows names. */
  student: z.string().min(1).max(128),
  itemId: z.string().min(1).max(128),
  itemVersion: z.number().int().nonnegative().max(2_147_483_647),
  pageId: z.string().min(1).max(64),
  fieldId: z.string().min(1).max(64),
  score: z.number().finite(),
  maxScore: z.number().finite(),
  correct: z.boolean(),
  status: z.string().min(1).max(32),
  /** The day the work was done, YYYY-MM-DD: it picks the school year (and so the district's partition). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
/** Every other logged fact (overrides, selection overrides, print jobs, audit entries) goes up as data. */
const FactEntry = z.object({
  seq: z.number().int().positive(),
  kind: z.enum(['override', 'selection_override', 'print_job', 'audit']),
  data: z.record(z.string(), z.unknown()),
});
export const LogEntry = z.discriminatedUnion('kind', [ResponseEntry, FactEntry]);
export type LogEntry = z.infer<typeof LogEntry>;
export type ResponseEntry = z.infer<typeof ResponseEntry>;

/** One upload: the entries with after < seq <= through, in seq order. `after` is the high-water mark the station built it on. */
export const UploadChunk = z
  .object({
    format: z.literal(SYNC_PROTOCOL),
    stationId: StationId,
    after: z.number().int().nonnegative(),
    through: z.number().int().nonnegative(),
    entries: z.array(LogEntry).max(10 * CHUNK_ENTRIES),
  })
  .refine((c) => c.through >= c.after && c.entries.every((e, i) => e.seq > c.after && e.seq <= c.through && (i === 0 || e.seq > c.entries[i - 1]!.seq)), {
    message: 'entries must be in increasing seq order with after < seq <= through',
  });
export type UploadChunk = z.infer<typeof UploadChunk>;

export const EnrolRequest = z.object({ stationId: StationId, publicKey: z.string().min(40).max(200) });
export const EnrolReply = z.object({ stationId: StationId, approvalCode: z.string(), status: z.enum(['pending', 'approved']) });
export type EnrolReply = z.infer<typeof EnrolReply>;

export const StationStatusReply = z.object({
  stationId: StationId,
  status: z.enum(['pending', 'approved', 'revoked']),
  highWater: z.number().int().nonnegative(),
  district: z.object({ districtId: z.string(), publicKey: z.string(), pseudonymKey: z.string(), sendNames: z.boolean() }).nullable(),
});
export type StationStatusReply = z.infer<typeof StationStatusReply>;

export const UploadReply = z.object({ highWater: z.number().int().nonnegative(), accepted: z.number().int().nonnegative() });

/** What a bundle carries down: a versioned item bank and skill graph. */
export const BundlePayload = z.object({
  format: z.literal('paperloop.bundle/1'),
  districtId: z.string().min(1),
  version: z.number().int().positive(),
  items: z.array(ItemInput),
  skills: z.array(Skill),
  /** Absent in bundles of before these fields: none. */
  workbookSets: z.array(SharedWorkbookSet).default([]),
  itemParameters: z.array(ItemParameters).default([]),
});
export type BundlePayload = z.infer<typeof BundlePayload>;
/** `payload` is the exact signed JSON text, so the signature is checked over the bytes the district signed. */
export const SignedBundle = z.object({ payload: z.string(), signature: z.string() });
export type SignedBundle = z.infer<typeof SignedBundle>;
export const BundlesReply = z.object({ bundles: z.array(SignedBundle) });

/** A chunk carried on a USB drive: the same gzipped chunk, signed by the station over its hash. */
export const UsbChunkFile = z.object({ format: z.literal('paperloop.usb-chunk/1'), stationId: StationId, chunkSha256: z.string().regex(/^[0-9a-f]{64}$/), signature: z.string() });
export type UsbChunkFile = z.infer<typeof UsbChunkFile>;
export const usbChunkSigningText = (stationId: string, chunkSha256: string) => [SYNC_PROTOCOL, 'usb-chunk', stationId, chunkSha256].join('\n');

/** The school year a day belongs to: it starts on 1 September (2026-09-01 .. 2027-08-31 is 2026). */
export function schoolYearOf(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 9 ? year : year - 1;
}

/** What the district writes back to the drive: the acknowledged high-water mark and the bundles, signed by the district. */
export const UsbReplyPayload = z.object({
  format: z.literal('paperloop.usb-reply/1'),
  districtId: z.string(),
  stationId: StationId,
  highWater: z.number().int().nonnegative(),
  bundles: z.array(SignedBundle),
});
export type UsbReplyPayload = z.infer<typeof UsbReplyPayload>;
/** Where a station's files sit on the drive: DIR/paperloop-sync/<station id>/. */
export const USB_FOLDER = 'paperloop-sync';
export const USB_REPLY_FILE = 'reply.json';
export const USB_STATION_FILE = 'station.json';
export const UsbStationFile = z.object({ stationId: StationId, bundleVersion: z.number().int().nonnegative() });
