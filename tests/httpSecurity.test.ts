import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerName } from '../src/station/handlers';
import { startHttp, type HttpServer } from '../src/station/http';
import { PATH_FIELDS } from '../src/station/pathPolicy';
import { REPO_ROOT } from '../src/station/context';
import { seedReview } from './support/review';
import { tempStation } from './support/station';

/** Browser mode attacked the way a web page or a LAN client would: real HTTP on loopback, the real server. */
const TEACHER = 'teacher-token-0123456789';
const ADMIN = 'admin-token-abcdefghijklm';

type Reply = { status: number; headers: IncomingHttpHeaders; text: string };

/** node:http rather than fetch: a test must be able to send any Host, Origin and Content-Type. */
function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const api = (server: { url: string }, name: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${server.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Follows a launch link the way a browser would, and returns the Cookie header it would send afterwards. */
async function launchCookie(launchUrl: string): Promise<{ cookie: string; setCookie: string }> {
  const r = await request(launchUrl);
  expect(r.status).toBe(303);
  const setCookie = String(r.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** An SSE client: resolves `until(predicate)` when a matching event arrives. */
function subscribe(url: string, headers: Record<string, string>) {
  const seen: { type: string }[] = [];
  const waiters: { match: (e: { type: string }) => boolean; resolve: () => void }[] = [];
  let req!: ReturnType<typeof httpRequest>;
  const opened = new Promise<number>((resolve, reject) => {
    req = httpRequest(`${url}/events`, { headers }, (res) => {
      resolve(res.statusCode!);
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString('utf8');
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (!block.startsWith('data: ')) continue;
          const e = JSON.parse(block.slice(6)) as { type: string };
          seen.push(e);
          for (const w of waiters.filter((x) => x.match(e))) w.resolve();
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
  return {
    opened,
    until: (match: (e: { type: string }) => boolean) => new Promise<void>((resolve) => (seen.some(match) ? resolve() : waiters.push({ match, resolve }))),
    close: () => req.destroy(),
  };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The built app's own files: its page and the scripts and styles it links (tests/support/uiBuild.ts builds it). */
const appFiles = () => ['/', ...[...readFileSync(join(REPO_ROOT, 'dist', 'ui', 'index.html'), 'utf8').matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)];

describe('HTTP security', () => {
  let ctx: ReturnType<typeof tempStation>;
  let local: HttpServer; // the default: no tokens, 127.0.0.1
  let tokened: HttpServer;
  let localCookie: string;
  let responseId: number;
  const auth = (token: string, scheme = 'Bearer') => ({ authorization: `${scheme} ${token}` });
  const portOf = (s: HttpServer) => new URL(s.url).port;

  beforeAll(async () => {
    ctx = tempStation();
    ({ responseId } = await seedReview(ctx));
    local = await startHttp(ctx, { port: 0 });
    tokened = await startHttp(ctx, { port: 0, token: TEACHER, adminToken: ADMIN });
    localCookie = (await launchCookie(local.launchUrl)).cookie;
  }, 60_000);

  afterAll(async () => {
    await local?.app.close();
    await tokened?.app.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  describe('Host, Origin and content type (DNS rebinding)', () => {
    it('refuses a name that is not this station, as a rebinding page sends it, even with a valid session', async () => {
      const rebound = { host: `rebind.attacker.example:${portOf(local)}` };
      const noSession = await api(local, 'list', { what: 'students' }, rebound);
      expect(noSession.status).toBe(403);
      expect(noSession.text).not.toContain('王小明');
      expect((await api(local, 'list', { what: 'students' }, { ...rebound, cookie: localCookie })).status).toBe(403);
      expect((await request(`${local.url}/`, { headers: rebound })).status).toBe(403);
      expect((await api(local, 'list', { what: 'students' }, { host: `localhost:1`, cookie: localCookie })).status).toBe(403);
      const own = await api(local, 'list', { what: 'students' }, { host: `localhost:${portOf(local)}`, cookie: localCookie });
      expect(own.status).toBe(200);
      expect(own.text).toContain('王小明');
    });

    it('refuses a request from a page of another origin', async () => {
      for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${Number(portOf(local)) + 1}`])
        expect((await api(local, 'list', { what: 'classes' }, { origin, cookie: localCookie })).status).toBe(403);
      expect((await api(local, 'list', { what: 'classes' }, { origin: local.url, cookie: localCookie })).status).toBe(200);
    });

    it('refuses a POST that is not JSON (a form or a no-cors fetch)', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const r = await request(`${local.url}/api/list`, { method: 'POST', headers: { 'content-type': type, cookie: localCookie }, body: '{"what":"classes"}' });
        expect(r.status, type).toBe(415);
      }
    });

    it('refuses the API, the event stream and crops to a request with no session and no token', async () => {
      expect((await api(local, 'list', { what: 'students' })).status).toBe(401);
      expect((await request(`${local.url}/crop/${responseId}`)).status).toBe(401);
      expect((await request(`${local.url}/events`)).status).toBe(401);
      expect((await api(tokened, 'list', { what: 'students' })).status).toBe(401);
      expect((await api(local, 'list', { what: 'students' }, { cookie: `${localCookie}x` })).status).toBe(401);
    });
  });

  describe('the launch link and the UI', () => {
    it('signs one browser in with an HttpOnly, SameSite=Strict cookie, once; the page and the files of the app load with it', async () => {
      const server = await startHttp(ctx, { port: 0 });
      try {
        const { cookie, setCookie } = await launchCookie(server.launchUrl);
        expect(setCookie).toMatch(/HttpOnly/);
        expect(setCookie).toMatch(/SameSite=Strict/);
        expect((await request(server.launchUrl)).status).toBe(403);
        for (const path of appFiles()) expect((await request(`${server.url}${path}`, { headers: { cookie } })).status, path).toBe(200);
        for (const path of ['/assets/nothing-here.js', '/assets/..%2Fstation.db', '/assets/%2e%2e/%2e%2e/package.json']) expect((await request(`${server.url}${path}`, { headers: { cookie } })).status, path).toBe(404);
        const page = await request(`${server.url}/`, { headers: { cookie } });
        expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
        expect(page.headers['x-frame-options']).toBe('DENY');
        expect((await api(server, 'list', { what: 'classes' }, { cookie })).status).toBe(200);
      } finally {
        await server.app.close();
      }
    });

    it('with tokens, serves the UI to anyone and gives a session cookie for a token', async () => {
      for (const path of appFiles()) expect((await request(`${tokened.url}${path}`)).status, path).toBe(200);
      const signIn = (token: string) => request(`${tokened.url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      expect((await signIn(TEACHER.slice(0, -1) + 'x')).status).toBe(401);
      const r = await signIn(TEACHER);
      expect(r.status).toBe(200);
      const cookie = String(r.headers['set-cookie']).split(';')[0]!;
      expect((await api(tokened, 'list', { what: 'classes' }, { cookie })).status).toBe(200);
      expect((await api(tokened, 'importRoster', { paths: ['roster.csv'] }, { cookie })).status).toBe(403);
    });
  });

  describe('tokens', () => {
    it('refuses to start with a token shorter than 16 characters, or one token for both roles, and says how to fix it', async () => {
      await expect(startHttp(ctx, { port: 0, token: 'teach' })).rejects.toThrow(/at least 16.*openssl rand/);
      await expect(startHttp(ctx, { port: 0, token: TEACHER, adminToken: 'admin' })).rejects.toThrow(/PAPERLOOP_ADMIN_TOKEN.*at least 16/);
      await expect(startHttp(ctx, { port: 0, token: TEACHER, adminToken: TEACHER })).rejects.toThrow(/same/);
    });

    it('accepts the Bearer scheme in any case and refuses a wrong token', async () => {
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) expect((await api(tokened, 'list', { what: 'classes' }, auth(TEACHER, scheme))).status, scheme).toBe(200);
      expect((await api(tokened, 'list', { what: 'classes' }, auth(TEACHER.slice(0, -1) + 'X'))).status).toBe(401);
      expect((await api(tokened, 'list', { what: 'classes' }, auth(TEACHER + 'x'))).status).toBe(401);
      expect((await api(tokened, 'list', { what: 'classes' }, { authorization: TEACHER })).status).toBe(401);
      expect((await request(`${tokened.url}/api?token=${TEACHER}`)).status).toBe(401);
    });

    it('records who acted: the token role, or the local user for the launch link', async () => {
      const r = await api(tokened, 'resolve', { responseId, answer: 'B' }, auth(TEACHER));
      expect(r.status).toBe(200);
      expect(ctx.store.scans.overridesOf(responseId).at(-1)).toMatchObject({ answer: 'B', teacher: 'token:teacher' });
      const item = ctx.store.currentItems().find((i) => i.type === 'single_choice')!;
      expect((await api(tokened, 'regrade', { itemId: item.id }, auth(ADMIN))).status).toBe(200);
      const audit = ctx.db.prepare("SELECT actor FROM audit_log WHERE action = 'regrade' ORDER BY seq DESC LIMIT 1").get() as { actor: string };
      expect(audit.actor).toBe('token:admin');
      expect((await api(local, 'resolve', { responseId, answer: 'C' }, { cookie: localCookie })).status).toBe(200);
      expect(ctx.store.scans.overridesOf(responseId).at(-1)).toMatchObject({ answer: 'C', teacher: ctx.actor });
    });
  });

  describe('paths over the network', () => {
    const OUTPUT_BASE: Partial<Record<HandlerName, Record<string, unknown>>> = {
      print: { setId: 'WS-none' }, report: { classId: '7A' }, next: { classId: '7A', date: '2026-11-25' }, wrongBook: { classId: '7A' },
    };
    const asField = (field: string, value: string) => (field === 'files' || field === 'paths' ? [value] : value);
    const fields = (kind: 'input' | 'output') =>
      Object.entries(PATH_FIELDS).flatMap(([name, rules]) => rules.filter((r) => (kind === 'input' ? r.kind === 'input' : r.kind !== 'input')).map((r) => ({ name: name as HandlerName, field: r.field })));

    it('declares every path-taking input of every handler', () => {
      expect(fields('output').map((f) => `${f.name}.${f.field}`).sort()).toEqual(
        ['next.out', 'print.answerKey', 'print.layoutJson', 'print.out', 'report.csv', 'report.pdf', 'report.xlsx', 'reviewQueue.cropsDir', 'wrongBook.outDir'].sort(),
      );
      expect(fields('input').map((f) => `${f.name}.${f.field}`).sort()).toEqual(
        ['importItems.files', 'importRoster.paths', 'importSkills.file', 'ingest.paths', 'read.paths', 'scan.replayFolder'].sort(),
      );
    });

    it('writes outputs only under out/, by name: a PDF over station.db is refused', async () => {
      const db = join(ctx.dir, 'station.db');
      const before = sha(db);
      symlinkSync(db, join(ctx.dir, 'out', 'link.pdf'));
      const outside = ['../station.db', db, '/tmp/paperloop-escape.pdf', 'sub/x.pdf', '.bashrc', 'link.pdf'];
      for (const { name, field } of fields('output'))
        for (const value of outside) {
          const r = await api(local, name, { ...OUTPUT_BASE[name], [field]: value }, { cookie: localCookie });
          expect(r.status, `${name}.${field} = ${value}: ${r.text}`).toBe(403);
          expect(JSON.parse(r.text).error.code).toBe('path_refused');
        }
      // The real thing: an approved set printed "to" the database.
      const composed = JSON.parse((await api(local, 'compose', { classId: '7A', subject: 'math', date: '2026-11-25', minutes: 10 }, { cookie: localCookie })).text);
      expect((await api(local, 'approve', { setId: composed.value.setId }, { cookie: localCookie })).status).toBe(200);
      expect((await api(tokened, 'print', { setId: composed.value.setId, out: db }, auth(TEACHER))).status).toBe(403);
      expect(sha(db)).toBe(before);
      expect(existsSync('/tmp/paperloop-escape.pdf')).toBe(false);
      const named = await api(tokened, 'print', { setId: composed.value.setId, out: 'class-7A.pdf', layoutJson: 'class-7A.json' }, auth(TEACHER));
      expect(named.status, named.text).toBe(200);
      expect(readFileSync(join(ctx.dir, 'out', 'class-7A.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
      expect(JSON.parse(named.text).value.pdf).toBe(join(ctx.dir, 'out', 'class-7A.pdf'));
    }, 60_000);

    it('reads inputs only from the inboxes: no file outside, no link out, no device, no huge file', async () => {
      const inbox = join(ctx.dir, 'inbox'); // the default inbox, made when the server starts
      mkdirSync(inbox, { recursive: true });
      symlinkSync('/etc/passwd', join(inbox, 'passwd.csv'));
      symlinkSync('/dev/zero', join(inbox, 'zero.jpg'));
      mkdirSync(join(inbox, 'batch'));
      writeFileSync(join(inbox, 'batch', 'ok.jpg'), 'x');
      symlinkSync('/etc/passwd', join(inbox, 'batch', 'sneaky.jpg'));
      const outside = ['/etc/passwd', '../settings.json', join(ctx.dir, 'settings.json'), '/dev/zero', 'passwd.csv', 'zero.jpg', 'missing.csv', 'batch'];
      for (const { name, field } of fields('input'))
        for (const value of outside) {
          const r = await api(tokened, name, { [field]: asField(field, value) }, auth(ADMIN));
          expect(r.status, `${name}.${field} = ${value}: ${r.text}`).toBe(403);
          expect(r.text).not.toMatch(/root:/);
        }
      // A file in the inbox is read, by name.
      writeFileSync(join(inbox, 'roster.csv'), 'class_id,class_name,class_grade,student_id,display_name,grade,language,large_print\n7B,初一(2)班,7,S90,张三,7,zh,no\n');
      const roster = await api(tokened, 'importRoster', { paths: ['roster.csv'] }, auth(ADMIN));
      expect(roster.status, roster.text).toBe(200);
      // A file over the size limit is refused before it is read.
      const small = await startHttp({ ...ctx, settings: { ...ctx.settings, network: { ...ctx.settings.network, maxInputMegabytes: 0.001 } } }, { port: 0, token: TEACHER });
      try {
        writeFileSync(join(inbox, 'big.jpg'), Buffer.alloc(2048));
        const r = await api(small, 'read', { paths: ['big.jpg'] }, auth(TEACHER));
        expect(r.status).toBe(403);
        expect(r.text).toMatch(/2048 bytes/);
      } finally {
        await small.app.close();
      }
    }, 60_000);

    it('a student id with "/" and ".." cannot steer a wrong-question book out of its folder', async () => {
      const id = '../../../../escape';
      ctx.store.importRoster({ classes: [{ id: '7A', name: '初一(1)班', grade: 7 }], students: [{ id, displayName: 'Test Student', grade: 7, language: 'en', largePrint: false }], enrollments: [{ classId: '7A', studentId: id }] });
      const item = ctx.store.currentItems().find((i) => i.type === 'single_choice')!;
      const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: 'f'.repeat(64), path: join(ctx.dir, 'images', 'none.jpg'), mediaType: 'image/jpeg', bytes: 1 });
      ctx.store.scans.recordOutcome(row.id, {
        kind: 'graded', pageId: 'ST01-ESCAPE', replaceEarlier: false, readJson: '{}',
        responses: [{ fieldId: 'q1', studentId: id, itemId: item.id, itemVersion: item.version, answer: 'Z', score: 0, maxScore: 1, correct: false, confidence: 0.99, needsReview: false, reasons: [], evidence: {}, date: '2026-11-25' }],
      }, 'test', '2026-11-24T16:00:00Z');
      const r = await api(local, 'wrongBook', { classId: '7A', studentId: id, outDir: 'books' }, { cookie: localCookie });
      expect(r.status, r.text).toBe(200);
      const files = JSON.parse(r.text).value.files as string[];
      expect(files).toHaveLength(1);
      expect(files[0]!.startsWith(join(ctx.dir, 'out', 'books') + '/')).toBe(true);
      expect(existsSync(files[0]!)).toBe(true);
      expect(existsSync(join(ctx.dir, 'escape.pdf'))).toBe(false);
    }, 60_000);

    it('GET /crop writes no file and follows no link', async () => {
      const { responseId, imagePath } = await seedReview(ctx, 240);
      const r = await request(`${local.url}/crop/${responseId}`, { headers: { cookie: localCookie } });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      expect(existsSync(join(ctx.dir, 'out', 'crops'))).toBe(false);
      const stored = resolve(ctx.dir, imagePath);
      const bytes = readFileSync(stored);
      const elsewhere = join(ctx.dir, 'elsewhere.jpg');
      writeFileSync(elsewhere, bytes);
      unlinkSync(stored);
      symlinkSync(elsewhere, stored);
      expect((await request(`${local.url}/crop/${responseId}`, { headers: { cookie: localCookie } })).status).toBe(404);
      unlinkSync(stored);
      writeFileSync(stored, bytes);
    });
  });

  describe('live events', () => {
    it('caps event-stream clients: the 17th is told to come back later', async () => {
      const clients = Array.from({ length: 16 }, () => subscribe(local.url, { cookie: localCookie }));
      try {
        expect(await Promise.all(clients.map((c) => c.opened))).toEqual(Array(16).fill(200));
        const extra = await request(`${local.url}/events`, { headers: { cookie: localCookie } });
        expect(extra.status).toBe(503);
        clients.pop()!.close();
        await expect.poll(async () => {
          const again = subscribe(local.url, { cookie: localCookie });
          const status = await again.opened;
          again.close();
          return status;
        }).toBe(200);
      } finally {
        for (const c of clients) c.close();
      }
    });

    it('sends scan events to a browser (the server uses the station event bus)', async () => {
      const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 255, g: 255, b: 255 } } }).jpeg().toBuffer();
      mkdirSync(join(ctx.dir, 'inbox'), { recursive: true });
      writeFileSync(join(ctx.dir, 'inbox', 'blank.jpg'), jpeg);
      const server = await startHttp(ctx, { port: 0 });
      const { cookie } = await launchCookie(server.launchUrl);
      const events = subscribe(server.url, { cookie });
      try {
        expect(await events.opened).toBe(200);
        const ingest = api(server, 'ingest', { paths: [join(ctx.dir, 'inbox', 'blank.jpg')] }, { cookie });
        await events.until((e) => e.type === 'session_started');
        expect((await ingest).status).toBe(200);
      } finally {
        events.close();
        await server.app.close();
      }
    }, 60_000);
  });
});

describe('paperloop serve', () => {
  const serve = (dir: string, env: Record<string, string> = {}) =>
    spawn(process.execPath, [join(REPO_ROOT, 'bin', 'paperloop.mjs'), 'serve', '--port', '0', '--print-url', '--data', dir], { env: { ...process.env, ...env, PAPERLOOP_TOKEN: env.PAPERLOOP_TOKEN ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });

  it('refuses a short token at start, with the fix', async () => {
    const ctx = tempStation();
    try {
      const child = serve(ctx.dir, { PAPERLOOP_TOKEN: 'short' });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/PAPERLOOP_TOKEN is 5 characters.*at least 16.*openssl rand -hex 16/);
    } finally {
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints a launch link, and its browser gets live scan events', async () => {
    const ctx = tempStation();
    ctx.db.close();
    const child = serve(ctx.dir);
    try {
      const launch = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /PAPERLOOP_LAUNCH_URL=(\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const { cookie } = await launchCookie(launch);
      const url = new URL(launch).origin;
      writeFileSync(join(ctx.dir, 'inbox', 'blank.jpg'), await sharp({ create: { width: 300, height: 200, channels: 3, background: '#fff' } }).jpeg().toBuffer());
      const events = subscribe(url, { cookie });
      try {
        expect(await events.opened).toBe(200);
        const ingest = api({ url }, 'ingest', { paths: ['blank.jpg'] }, { cookie });
        await events.until((e) => e.type === 'session_started');
        expect((await ingest).status).toBe(200);
      } finally {
        events.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill();
        await exited;
      }
      rmSync(ctx.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
