/**
 * LAN access, an admin's part of the Settings screen: station tokens for teachers (or admins) on other machines.
 * A token is shown once when it is made; settings.json keeps only its SHA-256 (network.tokens), and the HTTP
 * transport checks sign-ins against the tokens as they are now, so a revoked token stops working at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ok } from '../../../domain/result';
import type { StationContext } from '../../context';
import { defineHandler, fail } from '../types';
import { saveSettings, type Json } from './settingsFile';

/** A token's public name: the start of its hash. */
const idOf = (sha256: string) => sha256.slice(0, 12);
const storedTokens = (raw: Json): unknown[] => {
  const network = raw.network as { tokens?: unknown } | undefined;
  return Array.isArray(network?.tokens) ? network.tokens : [];
};
const withTokens = (raw: Json, tokens: unknown[]): Json => ({ ...raw, network: { ...((raw.network as Json | undefined) ?? {}), tokens } });

function tokenList(ctx: StationContext) {
  return ctx.settings.network.tokens.map((t) => ({ id: idOf(t.sha256), label: t.label, role: t.role, createdAt: t.createdAt }));
}

export const lanAccess = defineHandler(z.object({}), async (ctx) =>
  ok({
    tokens: tokenList(ctx),
    // Tokens given to `paperloop serve` in its environment also let other machines in; they are not shown or changed here.
    environmentTokens: { teacher: process.env.PAPERLOOP_TOKEN !== undefined, admin: process.env.PAPERLOOP_ADMIN_TOKEN !== undefined },
    port: ctx.settings.network.port,
    hostNames: ctx.settings.network.hostNames,
  }),
);

export const createLanToken = defineHandler(z.object({ label: z.string().trim().min(1).max(60), role: z.enum(['teacher', 'admin']).default('teacher') }), async (ctx, input) => {
  if (ctx.settings.network.tokens.some((t) => t.label === input.label)) return fail('exists', `a token named "${input.label}" exists. Fix: give the new one another name, or revoke the old one first.`);
  const token = randomBytes(16).toString('hex');
  const sha256 = createHash('sha256').update(token).digest('hex');
  const entry = { label: input.label, role: input.role, sha256, createdAt: ctx.clock().toISOString() };
  const saved = saveSettings(ctx, (raw) => ok(withTokens(raw, [...storedTokens(raw), entry])), { confirmThresholds: false });
  return saved.ok ? ok({ id: idOf(sha256), token, tokens: tokenList(ctx) }) : saved;
});

export const revokeLanToken = defineHandler(z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }), async (ctx, input) => {
  if (!ctx.settings.network.tokens.some((t) => idOf(t.sha256) === input.id)) return fail('not_found', `no station token ${input.id}. Fix: reload the Settings screen and pick one from the list.`);
  const saved = saveSettings(ctx, (raw) => ok(withTokens(raw, storedTokens(raw).filter((t) => idOf(String((t as { sha256?: unknown }).sha256)) !== input.id))), { confirmThresholds: false });
  return saved.ok ? ok({ tokens: tokenList(ctx) }) : saved;
});

export const lanHandlers = { lanAccess, createLanToken, revokeLanToken } as const;
