/** The district's HTTP API (Fastify): enrol, station status, upload, bundles. Every route but enrol is signed. */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { sha256Hex, verifyText } from '../domain/syncCrypto';
import { EnrolRequest, REQUEST_WINDOW_MS, requestSigningText, SIGNATURE_HEADERS, UploadChunk, type StationStatusReply } from '../domain/syncProtocol';
import { bundlesSince } from './bundles';
import type { DistrictIdentity } from './identity';
import { describeIngestRefusal, ingestChunk } from './ingest';
import type { DistrictPeople } from './roles';
import { registerRoleRoutes } from './rolesHttp';
import { enrolStation, forgetOldNonces, verifySignedRequest, type Refusal } from './stations';
import { registerViewRoutes } from './viewsHttp';

/** `people`: the tokens of district staff (roles.ts); without it the views and the admin routes answer 401. */
export type DistrictServerOptions = { pool: pg.Pool; identity: DistrictIdentity; clock?: () => number; people?: DistrictPeople };

/** Gzip bombs stop here: an upload of ~500 entries is far below this once inflated. */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

const send = (reply: FastifyReply, r: Refusal) => reply.code(r.status).send({ error: r.message });

export function createDistrictServer(options: DistrictServerOptions): FastifyInstance {
  const { pool, identity } = options;
  const now = options.clock ?? Date.now;
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const signed = (req: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: unknown }, allowPending = false) =>
    verifySignedRequest(pool, { method: req.method, path: req.url, headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) }, now(), allowPending);
  const nonceSweep = setInterval(() => void forgetOldNonces(pool).catch(() => {}), REQUEST_WINDOW_MS);
  nonceSweep.unref();
  app.addHook('onClose', async () => clearInterval(nonceSweep));
  registerViewRoutes(app, pool, options.people ?? null, now);
  registerRoleRoutes(app, pool, identity, options.people ?? null);

  app.post('/v1/enrol', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let parsed;
    try {
      parsed = EnrolRequest.safeParse(JSON.parse(body.toString('utf8')));
    } catch {
      return reply.code(400).send({ error: 'the enrol request is not JSON' });
    }
    if (!parsed.success) return reply.code(400).send({ error: `malformed enrol request: ${parsed.error.issues[0]?.message}` });
    const h = req.headers;
    const timestamp = Number(h[SIGNATURE_HEADERS.timestamp]);
    const text = requestSigningText({ method: req.method, path: req.url, bodySha256: sha256Hex(body), nonce: String(h[SIGNATURE_HEADERS.nonce] ?? ''), timestamp });
    if (!Number.isFinite(timestamp) || Math.abs(now() - timestamp) > REQUEST_WINDOW_MS || !verifyText(parsed.data.publicKey, text, String(h[SIGNATURE_HEADERS.signature] ?? '')))
      return reply.code(401).send({ error: 'the enrol request must be signed, in time, with the key it enrols' });
    const enrolled = await enrolStation(pool, parsed.data.stationId, parsed.data.publicKey);
    if (!enrolled.ok) return send(reply, enrolled.error);
    return { stationId: parsed.data.stationId, ...enrolled.value };
  });

  app.get('/v1/station', async (req, reply) => {
    const station = await signed(req, true);
    if (!station.ok) return send(reply, station.error);
    const s = station.value;
    const answer: StationStatusReply = {
      stationId: s.station_id, status: s.status, highWater: Number(s.high_water),
      district: s.status === 'approved' ? { districtId: identity.districtId, publicKey: identity.publicKey, pseudonymKey: identity.pseudonymKey, sendNames: identity.sendNames } : null,
    };
    return answer;
  });

  app.post('/v1/upload', async (req, reply) => {
    const station = await signed(req);
    if (!station.ok) return send(reply, station.error);
    let chunk;
    try {
      chunk = UploadChunk.safeParse(JSON.parse(gunzipSync(req.body as Buffer, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8')));
    } catch (e) {
      return reply.code(400).send({ error: `the upload is not a gzipped JSON chunk (${(e as Error).message})` });
    }
    if (!chunk.success) return reply.code(400).send({ error: `malformed chunk: ${chunk.error.issues[0]?.path.join('.')} ${chunk.error.issues[0]?.message}` });
    if (chunk.data.stationId !== station.value.station_id) return reply.code(403).send({ error: 'a station may upload only its own log' });
    const ingested = await ingestChunk(pool, chunk.data);
    if (!ingested.ok) return reply.code(409).send({ error: describeIngestRefusal(ingested.error), ...('highWater' in ingested.error ? { highWater: ingested.error.highWater } : {}) });
    return ingested.value;
  });

  app.get('/v1/bundles', async (req, reply) => {
    const station = await signed(req);
    if (!station.ok) return send(reply, station.error);
    const since = Number((req.query as { since?: string }).since ?? 0);
    if (!Number.isInteger(since) || since < 0) return reply.code(400).send({ error: 'since must be a whole number' });
    return { bundles: await bundlesSince(pool, since) };
  });

  return app;
}
