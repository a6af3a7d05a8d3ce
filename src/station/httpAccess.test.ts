import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHostNames, checkTokens, hostAllowed, originAllowed, parseHost, StationAccess } from './httpAccess';

describe('Host and Origin', () => {
  const names = allowedHostNames('127.0.0.1', ['station3.school.lan']);

  it('reads names, IPv6 literals and ports from a Host header', () => {
    expect(parseHost('127.0.0.1:4780')).toEqual({ name: '127.0.0.1', port: 4780 });
    expect(parseHost('[::1]:4780')).toEqual({ name: '::1', port: 4780 });
    expect(parseHost('Station3.School.LAN')).toEqual({ name: 'station3.school.lan', port: null });
    expect(parseHost('a:b:c')).toBeNull();
    expect(parseHost('')).toBeNull();
  });

  it('answers only to its own names on its own port', () => {
    for (const host of ['127.0.0.1:4780', 'localhost:4780', '[::1]:4780', 'STATION3.school.lan:4780']) expect(hostAllowed(host, names, 4780), host).toBe(true);
    for (const host of ['rebind.attacker.example:4780', '127.0.0.1:4781', '127.0.0.1', 'localhost.:4780', '127.0.0.1.nip.io:4780', undefined])
      expect(hostAllowed(host, names, 4780), String(host)).toBe(false);
  });

  it('bound to every address, it answers to each address of this machine', () => {
    const all = allowedHostNames('0.0.0.0', []);
    for (const a of Object.values(networkInterfaces()).flat()) expect(all.has(a!.address.toLowerCase()), a!.address).toBe(true);
    expect([...allowedHostNames('127.0.0.1', [])].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
  });

  it('takes no Origin, or exactly its own', () => {
    expect(originAllowed(undefined, '127.0.0.1:4780')).toBe(true);
    expect(originAllowed('http://127.0.0.1:4780', '127.0.0.1:4780')).toBe(true);
    for (const origin of ['null', 'http://evil.example', 'https://127.0.0.1:4780', 'http://127.0.0.1:4780.evil.example']) expect(originAllowed(origin, '127.0.0.1:4780'), origin).toBe(false);
  });
});

describe('tokens and sessions', () => {
  const TEACHER = 'teacher-token-0123456789';
  const ADMIN = 'admin-token-abcdefghijklm';

  it('refuses short tokens and one token for both roles', () => {
    expect(checkTokens({ token: 'x'.repeat(15) }).ok).toBe(false);
    expect(checkTokens({ token: 'x'.repeat(16) }).ok).toBe(true);
    expect(checkTokens({ token: TEACHER, adminToken: TEACHER }).ok).toBe(false);
    expect(checkTokens({}).ok).toBe(true);
  });

  it('gives each token its role and actor; Bearer in any case, nothing else', () => {
    const access = new StationAccess({ token: TEACHER, adminToken: ADMIN }, 'li.wei', 4780);
    expect(access.byAuthorization(`bEaReR ${TEACHER}`)).toEqual({ role: 'teacher', actor: 'token:teacher' });
    expect(access.byAuthorization(`Bearer ${ADMIN}`)).toEqual({ role: 'admin', actor: 'token:admin' });
    for (const header of [TEACHER, `Basic ${TEACHER}`, `Bearer ${TEACHER}x`, `Bearer ${TEACHER} extra`, undefined]) expect(access.byAuthorization(header), String(header)).toBeNull();
  });

  it('a launch code works once, for the local user, and its session is found by its cookie only', () => {
    const access = new StationAccess({}, 'li.wei', 4780);
    const code = access.newLaunchCode();
    const session = access.redeemLaunchCode(code)!;
    expect(access.redeemLaunchCode(code)).toBeNull();
    expect(access.byCookie(`other=1; paperloop_4780=${session}`)).toEqual({ role: 'admin', actor: 'li.wei' });
    expect(access.byCookie(`paperloop_4781=${session}`)).toBeNull();
    expect(access.setCookie(session)).toMatch(/^paperloop_4780=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
  });
});
