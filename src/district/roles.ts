/**
 * Who may use the district's people-facing routes: a bearer token (or a session cookie set by signing in
 * with one) gives a role. Stations never use these: they keep their signed requests (stations.ts).
 *  viewer < research (teaching-research staff) < admin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { err, ok, throwIllegalValue, type Result } from '../domain/result';

export const DISTRICT_ROLES = ['viewer', 'research', 'admin'] as const;
export type DistrictRole = (typeof DISTRICT_ROLES)[number];
export type DistrictTokens = Partial<Record<DistrictRole, string>>;

export const MIN_DISTRICT_TOKEN_LENGTH = 16;
export const TOKEN_ENV: Record<DistrictRole, string> = {
  viewer: 'PAPERLOOP_DISTRICT_VIEWER_TOKEN',
  research: 'PAPERLOOP_DISTRICT_RESEARCH_TOKEN',
  admin: 'PAPERLOOP_DISTRICT_ADMIN_TOKEN',
};

const rank = (role: DistrictRole): number => {
  switch (role) {
    case 'viewer': return 0;
    case 'research': return 1;
    case 'admin': return 2;
    default: return throwIllegalValue(role);
  }
};
export const mayAct = (held: DistrictRole, needed: DistrictRole) => rank(held) >= rank(needed);

/** Every token at least 16 characters, and no two roles sharing one (a viewer would hold admin rights). */
export function checkDistrictTokens(tokens: DistrictTokens): Result<void, string> {
  const seen = new Map<string, DistrictRole>();
  for (const role of DISTRICT_ROLES) {
    const value = tokens[role];
    if (value === undefined) continue;
    if (value.length < MIN_DISTRICT_TOKEN_LENGTH)
      return err(`${TOKEN_ENV[role]} is ${value.length} characters; a district token needs at least ${MIN_DISTRICT_TOKEN_LENGTH}. Fix: use a random one, e.g. ${TOKEN_ENV[role]}=$(openssl rand -hex 16)`);
    const other = seen.get(value);
    if (other) return err(`${TOKEN_ENV[other]} and ${TOKEN_ENV[role]} are the same token. Fix: give each role a token of its own.`);
    seen.set(value, role);
  }
  return ok(undefined);
}

export function districtTokensFromEnv(env: NodeJS.ProcessEnv = process.env): DistrictTokens {
  const tokens: DistrictTokens = {};
  for (const role of DISTRICT_ROLES) if (env[TOKEN_ENV[role]]) tokens[role] = env[TOKEN_ENV[role]];
  return tokens;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class DistrictPeople {
  private readonly tokens: { hash: Buffer; role: DistrictRole }[];
  private readonly sessions = new Map<string, DistrictRole>();
  readonly cookieName = 'paperloop_district';

  constructor(tokens: DistrictTokens) {
    this.tokens = DISTRICT_ROLES.flatMap((role) => (tokens[role] ? [{ hash: digest(tokens[role]), role }] : []));
  }

  /** Every token is compared in constant time (on equal-length digests), so timing says nothing about which matched. */
  byToken(given: string): DistrictRole | null {
    let found: DistrictRole | null = null;
    const g = digest(given);
    for (const t of this.tokens) if (timingSafeEqual(g, t.hash)) found = t.role;
    return found;
  }

  newSession(role: DistrictRole): string {
    const secret = randomBytes(32).toString('base64url');
    this.sessions.set(digest(secret).toString('hex'), role);
    return secret;
  }

  endSession(secret: string): void {
    this.sessions.delete(digest(secret).toString('hex'));
  }

  /** The session secret in the request's cookie, if any. */
  sessionOf(headers: Record<string, string | string[] | undefined>): string | null {
    const cookie = typeof headers.cookie === 'string' ? headers.cookie : '';
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === this.cookieName) return rest.join('=');
    }
    return null;
  }

  /**
   * The role of a request: `Authorization: Bearer <token>`, or (for the pages only: `allowCookie`) the session
   * cookie. Changes (approve, revoke, bank uploads) take the bearer token only, so no page of another site can make them.
   */
  roleOf(headers: Record<string, string | string[] | undefined>, allowCookie: boolean): DistrictRole | null {
    const auth = headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return this.byToken(auth.slice(7).trim());
    const secret = allowCookie ? this.sessionOf(headers) : null;
    return secret ? (this.sessions.get(digest(secret).toString('hex')) ?? null) : null;
  }
}
