import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { REPO_ROOT, type StationContext } from './context';
import { handlers, mayCall, type HandlerName, type Role } from './handlers';
import { invoke } from './invoke';
import { writeCrop } from './handlers/review';
import type { StationEvents } from './events';

/**
 * Browser mode: the same handler map over HTTP, for a station with no display of its own. It listens
 * on 127.0.0.1 unless told otherwise; on any other address every request needs the station token.
 */
export type HttpOptions = { host?: string; port?: number; token?: string; adminToken?: string; events?: StationEvents };

const require = createRequire(import.meta.url);
const UI_DIR = join(REPO_ROOT, 'src', 'ui');
const STATIC: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js', '/style.css': 'style.css' };
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export async function startHttp(ctx: StationContext, options: HttpOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && !options.token)
    throw new Error(`listening on ${host} needs a token (PAPERLOOP_TOKEN), or other machines could read student data.`);
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

  const roles = new WeakMap<object, Role>();
  app.addHook('onRequest', async (req, reply) => {
    const given = req.headers.authorization?.replace(/^Bearer /, '') ?? new URL(req.url, 'http://x').searchParams.get('token');
    if (!options.token && !options.adminToken) return void roles.set(req, 'admin'); // 127.0.0.1 only: the local user
    if (options.adminToken && given === options.adminToken) return void roles.set(req, 'admin');
    if (options.token && given === options.token) return void roles.set(req, 'teacher');
    await reply.code(401).send({ ok: false, error: { code: 'unauthorised', message: 'missing or wrong station token' } });
  });

  for (const [path, file] of Object.entries(STATIC))
    app.get(path, async (_req, reply) => reply.type(TYPES[file.split('.').pop()!]!).send(readFileSync(join(UI_DIR, file))));

  // The UI's CJK font ships with the install (the station may have no system CJK fonts, and no network).
  app.get('/font/NotoSansSC.ttf', async (_req, reply) =>
    reply.type('font/ttf').header('cache-control', 'max-age=86400').send(readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'))),
  );

  app.get('/api', async () => ({ handlers: Object.keys(handlers) }));

  app.post<{ Params: { name: string } }>('/api/:name', async (req, reply) => {
    const name = req.params.name as HandlerName;
    if (!(name in handlers)) return reply.code(404).send({ ok: false, error: { code: 'unknown_handler', message: `no handler "${req.params.name}"` } });
    if (!mayCall(roles.get(req) ?? 'teacher', name)) return reply.code(403).send({ ok: false, error: { code: 'forbidden', message: `${name} needs the admin role` } });
    const result = await invoke(ctx, name, (req.body ?? {}) as never);
    return reply.code(result.ok ? 200 : 422).send(result);
  });

  /** The image crop behind a review item, so the teacher sees what the reader saw. */
  app.get<{ Params: { responseId: string } }>('/crop/:responseId', async (req, reply) => {
    const review = ctx.store.scans.openReviews().find((r) => r.responseId === Number(req.params.responseId));
    if (!review) return reply.code(404).send('no such review');
    const crop = (review.evidence as { crop?: { x: number; y: number; w: number; h: number } } | null)?.crop;
    const path = join(ctx.dataDir, 'out', 'crops', `${review.responseId}.png`);
    mkdirSync(dirname(path), { recursive: true });
    await writeCrop(review.imagePath, crop, path);
    return reply.type('image/png').send(readFileSync(path));
  });

  app.get('/events', (req, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const off = options.events?.subscribe((e) => reply.raw.write(`data: ${JSON.stringify(e)}\n\n`));
    req.raw.on('close', () => off?.());
  });

  const address = await app.listen({ host, port: options.port ?? 0 });
  return { app, url: address.replace('0.0.0.0', '127.0.0.1') };
}
