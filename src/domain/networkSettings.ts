import { z } from 'zod';

/** Browser mode (docs/security.md). Outputs over HTTP always go under the data folder's out/. */
export const NetworkSettings = z.strictObject({
  /** The port browser mode listens on (`paperloop serve` without --port, and `npm start`). */
  port: z.number().int().min(0).max(65535).default(4780),
  /** Folders the HTTP API may read files from (relative to the data folder, or absolute). */
  inboxes: z.array(z.string().min(1)).min(1).default(['inbox']),
  /** Names (besides localhost and this machine's addresses) that browsers may use for the station, e.g. "station3.school.lan". */
  hostNames: z.array(z.string().regex(/^[a-z0-9.-]+$/i, 'a host name like station3.school.lan')).default([]),
  /** The largest file the HTTP API reads, in megabytes. */
  maxInputMegabytes: z.number().positive().default(256),
  /** Browsers following live scan progress at once (server-sent events). */
  maxEventClients: z.number().int().positive().default(16),
  /** Station tokens an admin made on the Settings screen, besides PAPERLOOP_TOKEN / PAPERLOOP_ADMIN_TOKEN: only their SHA-256 is kept. */
  tokens: z
    .array(z.strictObject({ label: z.string().min(1).max(60), role: z.enum(['teacher', 'admin']), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex'), createdAt: z.string() }))
    .default([]),
});
export type NetworkSettings = z.infer<typeof NetworkSettings>;
