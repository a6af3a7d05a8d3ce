/**
 * The people's changes over HTTP, each behind its role (bearer token only, never the page cookie):
 * approve and revoke stations (admin), upload an item bank as a new signed bundle (teaching-research or admin).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { ItemInput } from '../domain/item';
import { Skill } from '../domain/skills';
import { publishBundle } from './bundles';
import type { DistrictIdentity } from './identity';
import { mayAct, type DistrictPeople, type DistrictRole } from './roles';
import { approveStation, revokeStation } from './stations';

const ApproveBody = z.strictObject({ code: z.string().min(1).max(32) });
const RevokeBody = z.strictObject({ stationId: z.string().min(1).max(64) });
const BankBody = z.strictObject({ items: z.array(ItemInput).min(1), skills: z.array(Skill).default([]) });

export function registerRoleRoutes(app: FastifyInstance, pool: pg.Pool, identity: DistrictIdentity, people: DistrictPeople | null): void {
  /** The parsed body when the request's role may do this; otherwise the refusal has been sent. */
  async function allowed<T>(req: FastifyRequest, reply: FastifyReply, needed: DistrictRole, schema: z.ZodType<T>): Promise<T | null> {
    const role = people?.roleOf(req.headers, false) ?? null;
    if (!role) {
      await reply.code(401).send({ error: 'a district token is required: Authorization: Bearer <token>' });
      return null;
    }
    if (!mayAct(role, needed)) {
      await reply.code(403).send({ error: `this needs the ${needed} role; the token given is a ${role} token` });
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      await reply.code(400).send({ error: 'the body is not JSON' });
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await reply.code(400).send({ error: `malformed request: ${issue?.path.join('.')}: ${issue?.message}` });
      return null;
    }
    return parsed.data;
  }

  app.post('/v1/admin/approve', async (req, reply) => {
    const body = await allowed(req, reply, 'admin', ApproveBody);
    if (!body) return reply;
    const r = await approveStation(pool, body.code);
    return r.ok ? { approved: r.value } : reply.code(404).send({ error: r.error });
  });

  app.post('/v1/admin/revoke', async (req, reply) => {
    const body = await allowed(req, reply, 'admin', RevokeBody);
    if (!body) return reply;
    const r = await revokeStation(pool, body.stationId);
    return r.ok ? { revoked: body.stationId } : reply.code(404).send({ error: r.error });
  });

  app.post('/v1/admin/bundles', async (req, reply) => {
    const body = await allowed(req, reply, 'research', BankBody);
    if (!body) return reply;
    const version = await publishBundle(pool, identity, body);
    return { version, items: body.items.length, skills: body.skills.length };
  });
}
