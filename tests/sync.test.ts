/**
 * Sync end to end: a real district server (Fastify on an embedded PostgreSQL) on loopback, and real
 * station databases (SQLite) talking to it with Ed25519-signed requests, over the network and by USB drive.
 */
import type { AddressInfo } from 'node:net';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../src/domain/random';
import { signText } from '../src/domain/syncCrypto';
import { SYNC_PROTOCOL, USB_FOLDER } from '../src/domain/syncProtocol';
import { publishBundle } from '../src/district/bundles';
import { ensureDistrictIdentity, type DistrictIdentity } from '../src/district/identity';
import { createDistrictServer } from '../src/district/server';
import { approveStation, forgetStation, revokeStation } from '../src/district/stations';
import { importDrive } from '../src/district/usbImport';
import { signatureHeaders } from '../src/sync/client';
import { readSyncState } from '../src/sync/state';
import { buildChunk, downloadBundles, enrol, fetchStationStatus, syncNow, uploadPending } from '../src/sync/upload';
import { exportToDrive, importFromDrive } from '../src/sync/usb';
import { enrolByDrive } from '../src/sync/usbEnrol';
import { startTestPostgres, type TestPostgres } from './support/districtPostgres';
import { addResponses, makeStation, sampleItem, type TestStation } from './support/syncStation';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => postgres?.stop());

type District = { pool: pg.Pool; identity: DistrictIdentity; url: string; close: () => Promise<void> };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startDistrict(): Promise<District> {
  const pool = await postgres.freshPool();
  const identity = await ensureDistrictIdentity(pool, keyFolder());
  const app = createDistrictServer({ pool, identity });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const d = { pool, identity, url, close: () => app.close() };
  cleanups.push(d.close);
  return d;
}

function station(id: string, url: string, clock?: () => Date): TestStation {
  const s = makeStation(id, url, clock);
  cleanups.push(s.close);
  return s;
}

async function enrolAndApprove(s: TestStation, d: District): Promise<void> {
  const enrolled = await enrol(s);
  if (!enrolled.ok) throw new Error(enrolled.error);
  const approved = await approveStation(d.pool, enrolled.value.approvalCode);
  expect(approved).toEqual({ ok: true, value: s.client.stationId });
  const status = await fetchStationStatus(s);
  if (!status.ok) throw new Error(status.error);
}

const districtCount = async (d: District, stationId: string) =>
  (await d.pool.query<{ n: number; distinct: number }>('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct FROM responses WHERE station_id = $1', [stationId])).rows[0]!;
const districtHighWater = async (d: District, stationId: string) => Number((await d.pool.query('SELECT high_water FROM stations WHERE station_id = $1', [stationId])).rows[0]?.high_water ?? -1);

describe('enrolment and upload', () => {
  it('enrols with a one-time code, refuses a second station with the same id, and uploads every response once with pseudonyms', async () => {
    const d = await startDistrict();
    const s = station('ST01', d.url);
    const seqs = addResponses(s, 1234);
    s.store.audit('teacher', 'override', { note: 'Wang Fang' }, '2026-09-02T08:00:00Z');

    const pending = await uploadPending(s);
    expect(pending.ok).toBe(false);
    const enrolled = await enrol(s);
    expect(enrolled.ok && enrolled.value.status).toBe('pending');
    const early = await uploadPending(s);
    expect(early.ok ? 'uploaded' : early.error).toMatch(/pending/);

    const twin = station('ST01', d.url);
    const refused = await enrol(twin);
    expect(refused.ok ? 'enrolled' : refused.error).toMatch(/409.*already enrolled with another key/);

    expect((await approveStation(d.pool, '0000-0000')).ok).toBe(false);
    expect((await approveStation(d.pool, enrolled.ok ? enrolled.value.approvalCode : '')).ok).toBe(true);
    expect((await approveStation(d.pool, enrolled.ok ? enrolled.value.approvalCode : '')).ok).toBe(false);

    expect(await forgetStation(d.pool, 'ST01')).toMatchObject({ ok: false, error: expect.stringMatching(/approved.*revoke it first/) });

    const up = await syncNow(s);
    expect(up.ok ? up.value.chunks : up.error).toBe(3);
    expect(await districtCount(d, 'ST01')).toEqual({ n: 1234, distinct: 1234 });
    expect(await districtHighWater(d, 'ST01')).toBe(Math.max(...seqs) + 1);
    expect(readSyncState(s.store).highWater).toBe(Math.max(...seqs) + 1);
    const students = (await d.pool.query<{ student: string }>('SELECT DISTINCT student FROM responses')).rows.map((r) => r.student);
    expect(students).toHaveLength(37);
    expect(students.some((x) => x.startsWith('stu-'))).toBe(false);
    const audit = (await d.pool.query('SELECT kind, data FROM station_facts')).rows;
    expect(audit).toEqual([{ kind: 'audit', data: { at: '2026-09-02T08:00:00Z', actor: 'teacher', action: 'override' } }]);
    expect(JSON.stringify(audit)).not.toContain('Wang');

    const again = await syncNow(s);
    expect(again.ok ? again.value.chunks : again.error).toBe(0);
    expect(await districtCount(d, 'ST01')).toEqual({ n: 1234, distinct: 1234 });
  });

  it('a proxy that cuts connections at random points loses nothing and duplicates nothing (50,000 responses, up to 100 cuts)', async () => {
    const seed = Number(process.env.SYNC_PROXY_SEED ?? Date.now() % 100_000);
    console.log(`sync proxy seed: ${seed} (rerun with SYNC_PROXY_SEED=${seed})`);
    const rng = seededRng(seed);
    const [RESPONSES, CUTS] = [50_000, 100]; // the figures
    const d = await startDistrict();
    const upstream = new URL(d.url);
    let cuts = 0;
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const server = connect(Number(upstream.port), upstream.hostname);
      sockets.add(client).add(server);
      // Until CUTS cuts, every connection is cut somewhere in its requests or answers (keep-alive carries several on one).
      const cutAfter = cuts < CUTS ? Math.floor(rng() * 12_000) : Infinity;
      let bytes = 0;
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (b: Buffer) => {
          bytes += b.length;
          if (bytes >= cutAfter) {
            const keep = b.subarray(0, Math.max(0, b.length - (bytes - cutAfter)));
            if (keep.length) to.write(keep);
            cuts++;
            client.destroy();
            server.destroy();
            return;
          }
          to.write(b);
        });
      forward(client, server);
      forward(server, client);
      const end = () => { client.destroy(); server.destroy(); };
      client.on('error', end).on('close', end);
      server.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(() => { for (const x of sockets) x.destroy(); return new Promise((r) => proxy.close(r)); });
    const s = station('ST02', `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    const seqs = addResponses(s, RESPONSES);
    const direct = station('ST02', d.url);
    Object.assign(direct.client, { keys: s.client.keys });
    await enrolAndApprove(direct, d);

    let rounds = 0;
    let outcome = await syncNow(s);
    while (!outcome.ok && rounds++ < 4 * CUTS) outcome = await syncNow(s);
    expect(outcome.ok ? 'synced' : outcome.error).toBe('synced');
    expect(cuts).toBeGreaterThan(0);
    console.log(`sync proxy: ${cuts} cut connections, ${rounds} failed rounds`);
    expect(await districtCount(d, 'ST02')).toEqual({ n: RESPONSES, distinct: RESPONSES });
    const last = Math.max(...seqs);
    expect(await districtHighWater(d, 'ST02')).toBe(last);
    expect(readSyncState(s.store).highWater).toBe(last);
  });
});

describe('station ids', () => {
  it('an id squatted by a pending enrolment can be freed; an id with data cannot', async () => {
    const d = await startDistrict();
    const squatter = station('ST08', d.url);
    expect((await enrol(squatter)).ok).toBe(true);
    const real = station('ST08', d.url);
    expect((await enrol(real)).ok).toBe(false);
    expect(await forgetStation(d.pool, 'ST08')).toEqual({ ok: true, value: undefined });
    await enrolAndApprove(real, d);
    addResponses(real, 10);
    expect((await syncNow(real)).ok).toBe(true);
    await revokeStation(d.pool, 'ST08');
    expect(await forgetStation(d.pool, 'ST08')).toMatchObject({ ok: false, error: expect.stringMatching(/has sent data/) });
    expect((await enrol(squatter)).ok).toBe(false);
  });
});

describe('refused requests write nothing', () => {
  it('refuses unsigned, tampered, replayed, expired and revoked-station uploads', async () => {
    const d = await startDistrict();
    const s = station('ST03', d.url);
    addResponses(s, 20);
    await enrolAndApprove(s, d);
    const district = readSyncState(s.store).district!;
    const body = gzipSync(JSON.stringify(buildChunk(s.db, 'ST03', 0, district)));
    const post = (headers: Record<string, string>, bytes: Buffer) =>
      fetch(`${d.url}/v1/upload`, { method: 'POST', headers: { ...headers, 'content-type': 'application/gzip' }, body: new Uint8Array(bytes) });
    const nothingWritten = async () => {
      expect(await districtCount(d, 'ST03')).toEqual({ n: 0, distinct: 0 });
      expect(await districtHighWater(d, 'ST03')).toBe(0);
    };

    expect((await post({}, body)).status).toBe(401);
    await nothingWritten();

    const other = gzipSync(JSON.stringify({ format: SYNC_PROTOCOL, stationId: 'ST03', after: 0, through: 1, entries: [] }));
    const tampered = await post(signatureHeaders(s.client, 'POST', '/v1/upload', other), body);
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).toMatch(/bad signature/);
    await nothingWritten();

    const wrongPath = await post(signatureHeaders(s.client, 'POST', '/v1/other', body), body);
    expect(wrongPath.status).toBe(401);
    await nothingWritten();

    const expired = await post(signatureHeaders({ ...s.client, clock: () => new Date(Date.now() - 6 * 60_000) }, 'POST', '/v1/upload', body), body);
    expect(expired.status).toBe(401);
    expect(await expired.text()).toMatch(/expired/);
    await nothingWritten();

    // A replay: the status request went through once; the same signed bytes again are refused.
    const statusHeaders = signatureHeaders(s.client, 'GET', '/v1/station', Buffer.alloc(0));
    expect((await fetch(`${d.url}/v1/station`, { headers: statusHeaders })).status).toBe(200);
    const replay = await fetch(`${d.url}/v1/station`, { headers: statusHeaders });
    expect(replay.status).toBe(401);
    expect(await replay.text()).toMatch(/replayed/);

    await revokeStation(d.pool, 'ST03');
    const revoked = await post(signatureHeaders(s.client, 'POST', '/v1/upload', body), body);
    expect(revoked.status).toBe(403);
    await nothingWritten();
    const sync = await syncNow(s);
    expect(sync.ok ? 'synced' : sync.error).toMatch(/revoked/);
    expect(readSyncState(s.store).lastError).toMatch(/revoked/);
    await nothingWritten();
  });

  it('refuses malformed chunks with 4xx and keeps serving', async () => {
    const d = await startDistrict();
    const s = station('ST04', d.url);
    await enrolAndApprove(s, d);
    const bodies = [Buffer.from('not gzip'), gzipSync('not json'), gzipSync('{"format":"x"}'),
      gzipSync(JSON.stringify({ format: SYNC_PROTOCOL, stationId: 'ST04', after: 0, through: 5, entries: [{ seq: 9, kind: 'audit', data: {} }] })),
      gzipSync(JSON.stringify({ format: SYNC_PROTOCOL, stationId: 'OTHER', after: 0, through: 5, entries: [] })),
      gzipSync(Buffer.alloc(64 * 1024 * 1024))];
    for (const b of bodies) {
      const r = await fetch(`${d.url}/v1/upload`, { method: 'POST', headers: { ...signatureHeaders(s.client, 'POST', '/v1/upload', b), 'content-type': 'application/gzip' }, body: new Uint8Array(b) });
      expect(r.status, b.subarray(0, 20).toString()).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(await districtHighWater(d, 'ST04')).toBe(0);
    expect((await d.pool.query('SELECT count(*)::int AS n FROM station_facts')).rows[0].n).toBe(0);
  });
});

describe('bundles down', () => {
  it('applies a signed bundle in one transaction, and refuses a tampered one or one from another district', async () => {
    const d = await startDistrict();
    const s = station('ST05', d.url);
    await enrolAndApprove(s, d);
    const skill = { id: 'add', subject: 'math', grade: 3, name: { en: 'Addition' }, prerequisites: [] };
    await publishBundle(d.pool, d.identity, { items: [sampleItem('m1'), sampleItem('m2')], skills: [skill] });
    const down = await syncNow(s);
    expect(down.ok ? down.value : down.error).toMatchObject({ bundleVersion: 1, items: 2 });
    const items = () => (s.db.prepare('SELECT id, version FROM items ORDER BY id, version').all() as { id: string; version: number }[]).map((r) => `${r.id}@${r.version}`);
    expect(items()).toEqual(['m1@1', 'm2@1']);

    await publishBundle(d.pool, d.identity, { items: [sampleItem('m1', 'What is 3 + 2?'), sampleItem('m3')], skills: [skill] });
    await d.pool.query(`UPDATE bundles SET payload = replace(payload, '3 + 2', '3 + 9') WHERE version = 2`);
    const tampered = await downloadBundles(s);
    expect(tampered.ok ? 'applied' : tampered.error).toMatch(/signature/);
    expect(items()).toEqual(['m1@1', 'm2@1']);
    expect(readSyncState(s.store).bundleVersion).toBe(1);

    const foreign = await ensureDistrictIdentity(await postgres.freshPool(), keyFolder(), 'D-OTHER');
    await d.pool.query('DELETE FROM bundles WHERE version = 2');
    await publishBundle(d.pool, { ...foreign, districtId: d.identity.districtId }, { items: [sampleItem('m9')], skills: [] });
    const wrongKey = await downloadBundles(s);
    expect(wrongKey.ok ? 'applied' : wrongKey.error).toMatch(/signature/);
    expect(items()).toEqual(['m1@1', 'm2@1']);
  });
});

describe('USB drive', () => {
  it('carries the same signed chunks up and the signed reply down; a tampered chunk or a reply from another district is refused', async () => {
    const d = await startDistrict();
    const s = station('ST06', d.url);
    await enrolAndApprove(s, d);
    const seqs = addResponses(s, 1200);
    await publishBundle(d.pool, d.identity, { items: [sampleItem('u1')], skills: [] });
    const drive = mkdtempSync(join(tmpdir(), 'usb-'));
    cleanups.push(() => rmSync(drive, { recursive: true, force: true }));

    const exported = exportToDrive(s, drive);
    expect(exported.ok ? exported.value.chunks : exported.error).toBe(3);
    const folder = join(drive, USB_FOLDER, 'ST06');
    const first = readdirSync(folder).filter((f) => f.endsWith('.json.gz')).sort()[0]!;
    const original = readFileSync(join(folder, first));
    writeFileSync(join(folder, first), gzipSync(JSON.stringify({ format: SYNC_PROTOCOL, stationId: 'ST06', after: 0, through: 1, entries: [] })));
    const refused = await importDrive(d.pool, d.identity, drive);
    expect(refused.ok && refused.value[0]!.error).toMatch(/does not match its signature/);
    expect(await districtCount(d, 'ST06')).toEqual({ n: 0, distinct: 0 });
    writeFileSync(join(folder, first), original);

    for (let i = 0; i < 2; i++) {
      const imported = await importDrive(d.pool, d.identity, drive);
      expect(imported.ok && imported.value[0]).toMatchObject({ stationId: 'ST06', chunks: 3, accepted: i === 0 ? 1200 : 0, error: null });
    }
    expect(await districtCount(d, 'ST06')).toEqual({ n: 1200, distinct: 1200 });

    const replyPath = join(folder, 'reply.json');
    const reply = readFileSync(replyPath, 'utf8');
    const foreign = await ensureDistrictIdentity(await postgres.freshPool(), keyFolder(), 'D-OTHER');
    const foreignPayload = JSON.stringify({ ...JSON.parse(JSON.parse(reply).payload), districtId: foreign.districtId });
    writeFileSync(replyPath, JSON.stringify({ payload: foreignPayload, signature: signText(foreign.privateKey, foreignPayload) }));
    const otherDistrict = importFromDrive(s, drive);
    expect(otherDistrict.ok ? 'applied' : otherDistrict.error).toMatch(/does not match district/);
    writeFileSync(replyPath, reply.replace('"highWater\\":', '"highWater\\":9'));
    const tampered = importFromDrive(s, drive);
    expect(tampered.ok ? 'applied' : tampered.error).toMatch(/signature/);
    writeFileSync(replyPath, reply);

    const applied = importFromDrive(s, drive);
    expect(applied.ok ? applied.value : applied.error).toEqual({ highWater: Math.max(...seqs), bundleVersion: 1, items: 1, workbookSets: 0, itemParameters: 0 });
    expect(s.db.prepare('SELECT id FROM items').all()).toEqual([{ id: 'u1' }]);
  });
});

describe('enrolment by USB drive alone', () => {
  it('a station that never sees the network enrols through the drive: request on the drive, approval with its code, the reply carries the approval', async () => {
    const d = await startDistrict();
    const s = station('ST09', 'usb:');
    const seqs = addResponses(s, 700);
    const drive = mkdtempSync(join(tmpdir(), 'usb-enrol-'));
    cleanups.push(() => rmSync(drive, { recursive: true, force: true }));
    expect(exportToDrive(s, drive).ok).toBe(false); // no district keys yet: nothing can go up

    const asked = enrolByDrive(s, drive);
    if (!asked.ok) throw new Error(asked.error);
    expect(asked.value.code).toMatch(/^\d{4}-\d{4}$/);
    const requestText = readFileSync(join(drive, USB_FOLDER, 'ST09', 'enrol.json'), 'utf8');
    expect(requestText).not.toContain(asked.value.code.replace('-', ''));

    const first = await importDrive(d.pool, d.identity, drive);
    expect(first.ok && first.value[0]!.error).toMatch(/asks to enrol by this drive.*district approve CODE/);
    expect((await d.pool.query(`SELECT status FROM stations WHERE station_id = 'ST09'`)).rows[0].status).toBe('pending');
    expect(importFromDrive(s, drive).ok).toBe(false); // no reply yet

    const wrong = asked.value.code.replace(/^\d/, (c) => String((Number(c) + 1) % 10));
    expect((await approveStation(d.pool, wrong)).ok).toBe(false);
    expect(await approveStation(d.pool, asked.value.code)).toEqual({ ok: true, value: 'ST09' });

    const second = await importDrive(d.pool, d.identity, drive);
    expect(second.ok && second.value[0]).toMatchObject({ stationId: 'ST09', chunks: 0, error: null });
    const replyPath = join(drive, USB_FOLDER, 'ST09', 'reply.json');
    const reply = readFileSync(replyPath, 'utf8');

    // Another district's reply, well signed with its own key, but its approval was not made with this station's code.
    const foreign = await ensureDistrictIdentity(await postgres.freshPool(), keyFolder(), 'D-ROGUE');
    const inner = JSON.parse(JSON.parse(reply).payload);
    const rogue = JSON.stringify({ ...inner, districtId: foreign.districtId, enrolment: { ...inner.enrolment, district: { ...inner.enrolment.district, districtId: foreign.districtId, publicKey: foreign.publicKey } } });
    writeFileSync(replyPath, JSON.stringify({ payload: rogue, signature: signText(foreign.privateKey, rogue) }));
    const refused = importFromDrive(s, drive);
    expect(refused.ok ? 'applied' : refused.error).toMatch(/not made with the code this station showed/);
    expect(readSyncState(s.store).district).toBeNull();
    writeFileSync(replyPath, reply);

    const learned = importFromDrive(s, drive);
    expect(learned.ok ? learned.value.highWater : learned.error).toBe(0);
    expect(readSyncState(s.store).district).toMatchObject({ districtId: d.identity.districtId, publicKey: d.identity.publicKey });

    const exported = exportToDrive(s, drive);
    expect(exported.ok ? exported.value.entries : exported.error).toBe(700);
    const third = await importDrive(d.pool, d.identity, drive);
    expect(third.ok && third.value[0]).toMatchObject({ stationId: 'ST09', accepted: 700, error: null });
    const back = importFromDrive(s, drive);
    expect(back.ok ? back.value.highWater : back.error).toBe(Math.max(...seqs));
    expect(await districtCount(d, 'ST09')).toEqual({ n: 700, distinct: 700 });
  });
});

describe('malformed USB drives', () => {
  it('fuzzed chunk and signature files give a clear error per station, never a crash or a partial write', async () => {
    const seed = Number(process.env.SYNC_FUZZ_SEED ?? Date.now() % 100_000);
    console.log(`sync USB fuzz seed: ${seed} (rerun with SYNC_FUZZ_SEED=${seed})`);
    const rng = seededRng(seed);
    const d = await startDistrict();
    const s = station('ST07', d.url);
    await enrolAndApprove(s, d);
    addResponses(s, 600);
    const drive = mkdtempSync(join(tmpdir(), 'usb-fuzz-'));
    cleanups.push(() => rmSync(drive, { recursive: true, force: true }));
    expect(exportToDrive(s, drive).ok).toBe(true);
    const folder = join(drive, USB_FOLDER, 'ST07');
    const files = readdirSync(folder).filter((f) => f.startsWith('chunk-')).sort();
    const originals = new Map(files.map((f) => [f, readFileSync(join(folder, f))]));
    let imported = 0;
    for (let round = 0; round < 25; round++) {
      const victim = files[Math.floor(rng() * files.length)]!;
      const bytes = Buffer.from(originals.get(victim)!);
      const how = Math.floor(rng() * 4);
      const broken =
        how === 0 ? bytes.subarray(0, Math.floor(rng() * bytes.length)) // truncated
        : how === 1 ? Buffer.from(bytes.map((b, i) => (i === Math.floor(rng() * bytes.length) ? b ^ 0xff : b))) // one byte flipped
        : how === 2 ? Buffer.from(Array.from({ length: 64 }, () => Math.floor(rng() * 256))) // noise
        : Buffer.alloc(0); // empty
      writeFileSync(join(folder, victim), broken);
      const r = await importDrive(d.pool, d.identity, drive);
      if (!r.ok) throw new Error(r.error);
      // A change that does not alter what was signed (say, base64 padding of a signature) may import: then all of it.
      const error = r.value[0]!.error;
      if (error === null) imported = 600;
      else expect(error, `round ${round}: ${victim} ${how}`).toMatch(/Nothing of station ST07 was imported/);
      expect(await districtCount(d, 'ST07')).toEqual({ n: imported, distinct: imported });
      writeFileSync(join(folder, victim), originals.get(victim)!);
    }
    const clean = await importDrive(d.pool, d.identity, drive);
    expect(clean.ok && clean.value[0]!.error).toBeNull();
    expect(await districtCount(d, 'ST07')).toEqual({ n: 600, distinct: 600 });
  });
});
