import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { err, ok, type Result } from '../domain/result';
import type { Role } from './handlers';

/**
 * Who may use the station over HTTP (docs/security.md). Three ways in, each giving a role and the
 * actor that audit rows and overrides record:
 *  - a station token in `Authorization: Bearer …` (teacher or admin token);
 *  - a session cookie (HttpOnly, SameSite=Strict), set by a one-time launch link or by signing in with a token;
 *  - nothing else: without either, every request except the static UI is refused.
 * Before any of that, Host and Origin must name this station, so a page from another site, or one
 * whose DNS name was rebound to this machine, is refused even on 127.0.0.1.
 */
export type Access = { role: Role; actor: string };

export const MIN_TOKEN_LENGTH = 16;
export const TOKEN_ACTORS: Record<Role, string> = { teacher: 'token:teacher', admin: 'token:admin' };

const digest = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (given: string, expected: Buffer) => timingSafeEqual(digest(given), expected);
const secret = () => randomBytes(32).toString('base64url');

export function checkTokens(tokens: { token?: string | undefined; adminToken?: string | undefined }): Result<void, string> {
  for (const [name, value] of [['PAPERLOOP_TOKEN', tokens.token], ['PAPERLOOP_ADMIN_TOKEN', tokens.adminToken]] as const)
    if (value !== undefined && value.length < MIN_TOKEN_LENGTH)
      return err(`${name} is ${value.length} characters; a station token needs at least ${MIN_TOKEN_LENGTH}. Fix: use a random one, e.g. ${name}=$(openssl rand -hex 16)`);
  if (tokens.token !== undefined && tokens.token === tokens.adminToken)
    return err('PAPERLOOP_TOKEN and PAPERLOOP_ADMIN_TOKEN are the same, so every teacher would be an admin. Fix: give the admin a token of its own.');
  return ok(undefined);
}

/** A token made on the Settings screen, as settings.json keeps it (network.tokens). */
export type StoredToken = { label: string; role: Role; sha256: string };

export class StationAccess {
  private readonly tokens: { hash: Buffer; access: Access }[];
  /** Session cookies and one-time launch codes, by the hash of their secret. */
  private readonly sessions = new Map<string, Access>();
  private readonly launchCodes = new Map<string, Access>();
  readonly cookieName: string;

  /** `stored`: the Settings screen's tokens, read on each sign-in, so a token made or revoked there counts at once. */
  constructor(tokens: { token?: string | undefined; adminToken?: string | undefined }, private readonly localActor: string, port: number, private readonly stored: () => readonly StoredToken[] = () => []) {
    this.tokens = [
      ...(tokens.adminToken ? [{ hash: digest(tokens.adminToken), access: { role: 'admin' as const, actor: TOKEN_ACTORS.admin } }] : []),
      ...(tokens.token ? [{ hash: digest(tokens.token), access: { role: 'teacher' as const, actor: TOKEN_ACTORS.teacher } }] : []),
    ];
    // Cookies are shared by every port of a host: one name per station keeps two stations apart.
    this.cookieName = `paperloop_${port}`;
  }

  get hasTokens(): boolean {
    return this.tokens.length > 0 || this.stored().length > 0;
  }

  /** Every token is compared (in constant time), so the time taken says nothing about which matched. */
  byToken(given: string): Access | null {
    let found: Access | null = null;
    for (const t of this.tokens) if (sameSecret(given, t.hash)) found = t.access;
    for (const t of this.stored()) if (sameSecret(given, Buffer.from(t.sha256, 'hex'))) found = { role: t.role, actor: `token:${t.label}` };
    return found;
  }

  byAuthorization(header: string | undefined): Access | null {
    const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match ? this.byToken(match[1]!) : null;
  }

  byCookie(header: string | undefined): Access | null {
    const value = cookieValue(header, this.cookieName);
    return value ? (this.sessions.get(digest(value).toString('hex')) ?? null) : null;
  }

  /** A launch code for the person who started the station: it acts as the local user, with the admin role. */
  newLaunchCode(): string {
    const code = secret();
    this.launchCodes.set(digest(code).toString('hex'), { role: 'admin', actor: this.localActor });
    return code;
  }

  /** Spends a launch code (once) for a session. */
  redeemLaunchCode(code: string): string | null {
    const key = digest(code).toString('hex');
    const access = this.launchCodes.get(key);
    if (!access) return null;
    this.launchCodes.delete(key);
    return this.newSession(access);
  }

  newSession(access: Access): string {
    const id = secret();
    this.sessions.set(digest(id).toString('hex'), access);
    return id;
  }

  setCookie(sessionId: string): string {
    return `${this.cookieName}=${sessionId}; Path=/; HttpOnly; SameSite=Strict`;
  }
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);
const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The host names a browser may use for this station: the bound address, localhost, this machine's
 * addresses when bound to all of them, and the names configured in settings. A DNS name an attacker
 * rebinds to this machine is none of these.
 */
export function allowedHostNames(boundHost: string, configured: readonly string[]): Set<string> {
  const names = new Set([...LOCAL_NAMES, ...configured.map((n) => n.toLowerCase())]);
  if (WILDCARD.has(boundHost)) for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
  else names.add(boundHost.toLowerCase());
  return names;
}

/** Splits a Host header value ("name:port", "[::1]:port") into its name and port. */
export function parseHost(value: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!match) return null;
  return { name: match[1]!.replace(/^\[|\]$/g, '').toLowerCase(), port: match[2] === undefined ? null : Number(match[2]) };
}

export function hostAllowed(hostHeader: string | undefined, names: ReadonlySet<string>, port: number): boolean {
  const host = parseHost(hostHeader ?? '');
  return host !== null && names.has(host.name) && (host.port ?? 80) === port;
}

/** No Origin (a same-origin GET, a script), or exactly this station as the page's origin. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  return origin === undefined || origin === `http://${hostHeader}`;
}
