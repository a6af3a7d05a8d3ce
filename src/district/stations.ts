/** Station enrolment, approval by a one-time code, revocation, and the signed-request check. */
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { err, ok, type Result } from '../domain/result';
import { REQUEST_WINDOW_MS, requestSigningText, SIGNATURE_HEADERS, StationId } from '../domain/syncProtocol';
import { sha256Hex, verifyText } from '../domain/syncCrypto';
import { approvalProofOf, codeMatches } from './usbEnrol';

export type Refusal = { status: 400 | 401 | 403 | 409; message: string };
const refuse = (status: Refusal['status'], message: string) => err<Refusal>({ status, message });

/** Approval codes are 8 digits shown at the station, e.g. 4821-0937. */
const newApprovalCode = () => `${randomInt(0, 10000).toString().padStart(4, '0')}-${randomInt(0, 10000).toString().padStart(4, '0')}`;
const normaliseCode = (code: string) => code.replace(/\D/g, '');

/**
 * A new station id gets a pending row and a one-time code; the same key asking again gets a fresh code;
 * a different key for a known station id is refused (page ids carry the station id, so two would collide).
 */
export async function enrolStation(pool: pg.Pool, stationId: string, publicKey: string): Promise<Result<{ approvalCode: string; status: 'pending' | 'approved' }, Refusal>> {
  const code = newApprovalCode();
  const codeHash = sha256Hex(normaliseCode(code));
  const inserted = await pool.query(
    `INSERT INTO stations (station_id, public_key, status, approval_code_sha256) VALUES ($1, $2, 'pending', $3) ON CONFLICT (station_id) DO NOTHING`,
    [stationId, publicKey, codeHash],
  );
  if (inserted.rowCount === 1) return ok({ approvalCode: code, status: 'pending' });
  const row = (await pool.query<{ public_key: string; status: string }>('SELECT public_key, status FROM stations WHERE station_id = $1', [stationId])).rows[0]!;
  if (row.public_key !== publicKey)
    return refuse(409, `station id ${stationId} is already enrolled with another key. Fix: give this station its own id (settings.json "stationId"), or revoke the old station at the district first.`);
  if (row.status === 'revoked') return refuse(403, `station ${stationId} was revoked by the district. Fix: ask the district admin.`);
  if (row.status === 'approved') return ok({ approvalCode: '', status: 'approved' });
  await pool.query('UPDATE stations SET approval_code_sha256 = $2 WHERE station_id = $1', [stationId, codeHash]);
  return ok({ approvalCode: code, status: 'pending' });
}

/**
 * Approves the pending station whose one-time code this is; the code then stops working. A code the district gave
 * (over the network) is found by its hash; a code a station made for a USB enrolment, by the check on its drive
 * request, and the approval then stores the proof the station's next reply carries (usbEnrol.ts).
 */
export async function approveStation(pool: pg.Pool, code: string): Promise<Result<string, string>> {
  const r = await pool.query<{ station_id: string }>(
    `UPDATE stations SET status = 'approved', approved_at = now(), approval_code_sha256 = NULL
     WHERE approval_code_sha256 = $1 AND status = 'pending' RETURNING station_id`,
    [sha256Hex(normaliseCode(code))],
  );
  if (r.rowCount) return ok(r.rows[0]!.station_id);
  const byDrive = await pool.query<{ station_id: string; public_key: string; usb_code_check: string }>(
    `SELECT station_id, public_key, usb_code_check FROM stations WHERE status = 'pending' AND usb_code_check IS NOT NULL`,
  );
  const station = byDrive.rows.find((s) => codeMatches(code, s.station_id, s.public_key, s.usb_code_check));
  if (station) {
    const meta = new Map((await pool.query<{ key: string; value: string }>(`SELECT key, value FROM district_meta WHERE key IN ('district_id', 'public_key')`)).rows.map((m) => [m.key, m.value]));
    const proof = approvalProofOf(code, station.station_id, meta.get('district_id')!, meta.get('public_key')!);
    await pool.query(
      `UPDATE stations SET status = 'approved', approved_at = now(), usb_code_check = NULL, usb_approval_proof = $2 WHERE station_id = $1 AND status = 'pending'`,
      [station.station_id, proof],
    );
    return ok(station.station_id);
  }
  return err(`no station is waiting with code ${code}. Fix: run "paperloop sync enrol" at the station again and type the code it shows (for a USB enrolment, run "paperloop district import DIR" with its drive first).`);
}

/**
 * A USB enrolment request from a drive: a new station id becomes pending with the request's code check; the same key
 * asking again (a new code) replaces the check while pending; another key for a known id is refused.
 */
export async function enrolStationByDrive(pool: pg.Pool, request: { stationId: string; publicKey: string; codeCheck: string }): Promise<Result<StationRow['status'], string>> {
  const { stationId, publicKey, codeCheck } = request;
  await pool.query(`INSERT INTO stations (station_id, public_key, status, usb_code_check) VALUES ($1, $2, 'pending', $3) ON CONFLICT (station_id) DO NOTHING`, [stationId, publicKey, codeCheck]);
  const row = (await stationRow(pool, stationId))!;
  if (row.public_key !== publicKey) return err(`station id ${stationId} is already enrolled with another key. Fix: give this station its own id (settings.json "stationId"), or revoke the old station at the district first.`);
  if (row.status === 'pending') await pool.query(`UPDATE stations SET usb_code_check = $2 WHERE station_id = $1 AND status = 'pending'`, [stationId, codeCheck]);
  return ok(row.status);
}

export async function revokeStation(pool: pg.Pool, stationId: string): Promise<Result<void, string>> {
  const r = await pool.query(`UPDATE stations SET status = 'revoked', revoked_at = now() WHERE station_id = $1`, [stationId]);
  return r.rowCount === 0 ? err(`no station ${stationId} is enrolled at this district.`) : ok(undefined);
}

/**
 * Frees a station id held by a pending enrolment (say, a machine that enrolled under another school's id) or by a
 * revoked station that never sent anything. An id with data stays taken: a new station under it would collide
 * with the old (station, seq) rows and its entries would be dropped as duplicates.
 */
export async function forgetStation(pool: pg.Pool, stationId: string): Promise<Result<void, string>> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const row = (await client.query<{ status: string }>('SELECT status FROM stations WHERE station_id = $1 FOR UPDATE', [stationId])).rows[0];
    const refuse = async (message: string) => {
      await client.query('ROLLBACK');
      return err(message);
    };
    if (!row) return await refuse(`no station ${stationId} is enrolled at this district.`);
    if (row.status === 'approved') return await refuse(`station ${stationId} is approved. Fix: revoke it first ("paperloop district revoke ${stationId}").`);
    const data = await client.query(`SELECT 1 FROM station_facts WHERE station_id = $1 UNION ALL SELECT 1 FROM responses WHERE station_id = $1 LIMIT 1`, [stationId]);
    if (data.rowCount) return await refuse(`station ${stationId} has sent data, so its id stays taken. Fix: give the new station another id.`);
    await client.query('DELETE FROM request_nonces WHERE station_id = $1', [stationId]);
    await client.query('DELETE FROM stations WHERE station_id = $1', [stationId]);
    await client.query('COMMIT');
    return ok(undefined);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export type StationRow = { station_id: string; public_key: string; status: 'pending' | 'approved' | 'revoked'; high_water: string; usb_approval_proof: string | null };

export async function stationRow(pool: pg.Pool | pg.PoolClient, stationId: string): Promise<StationRow | undefined> {
  return (await pool.query<StationRow>('SELECT station_id, public_key, status, high_water, usb_approval_proof FROM stations WHERE station_id = $1', [stationId])).rows[0];
}

export type SignedRequest = { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Buffer };

const header = (h: SignedRequest['headers'], name: string) => {
  const v = h[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Checks a station's signature over (method, path, body hash, nonce, timestamp), the time window and
 * the nonce (each used once). `allowPending` lets a pending station ask for its own status.
 */
export async function verifySignedRequest(pool: pg.Pool, req: SignedRequest, now: number, allowPending = false): Promise<Result<StationRow, Refusal>> {
  const stationId = header(req.headers, SIGNATURE_HEADERS.station);
  const timestamp = Number(header(req.headers, SIGNATURE_HEADERS.timestamp));
  const nonce = header(req.headers, SIGNATURE_HEADERS.nonce);
  const signature = header(req.headers, SIGNATURE_HEADERS.signature);
  if (!stationId || !nonce || !signature || !Number.isFinite(timestamp)) return refuse(401, 'unsigned request: the station id, timestamp, nonce and signature headers are required');
  if (!StationId.safeParse(stationId).success || nonce.length > 64) return refuse(400, 'malformed station id or nonce');
  if (Math.abs(now - timestamp) > REQUEST_WINDOW_MS)
    return refuse(401, `expired request: its timestamp is ${Math.round((now - timestamp) / 1000)} s away from the district's clock. Fix: set the station's clock.`);
  const station = await stationRow(pool, stationId);
  if (!station) return refuse(401, `unknown station ${stationId}. Fix: run "paperloop sync enrol" at the station.`);
  const text = requestSigningText({ method: req.method, path: req.path, bodySha256: sha256Hex(req.body), nonce, timestamp });
  if (!verifyText(station.public_key, text, signature)) return refuse(401, 'bad signature: the request was altered or not signed by this station');
  if (station.status === 'revoked') return refuse(403, `station ${stationId} is revoked by the district. Fix: ask the district admin why; a revoked station id cannot sync again.`);
  if (station.status === 'pending' && !allowPending) return refuse(403, `station ${stationId} is not approved yet. Fix: the district admin runs "paperloop district approve CODE" with the code the station shows.`);
  const fresh = await pool.query('INSERT INTO request_nonces (station_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING', [stationId, nonce]);
  if (fresh.rowCount === 0) return refuse(401, 'replayed request: this nonce was already used');
  return ok(station);
}

/** Nonces older than the window can no longer be replayed (the timestamp check refuses them): forget them. */
export async function forgetOldNonces(pool: pg.Pool): Promise<void> {
  await pool.query(`DELETE FROM request_nonces WHERE seen_at < now() - make_interval(secs => $1)`, [(2 * REQUEST_WINDOW_MS) / 1000]);
}
