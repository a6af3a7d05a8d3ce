import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { REPO_ROOT, type StationContext } from './context';
import { handlers, mayCall, type HandlerName } from './handlers';
import { cropPng } from './handlers/review';
import { fieldInContextPng } from './handlers/app/reviewing';
import { previewPng, PRINT_DIR, PRINT_PDF_NAME } from './handlers/app/printing';
import { scanThumbnail } from './handlers/app/scanning';
import { allowedHostNames, checkTokens, hostAllowed, originAllowed, StationAccess, type Access } from './httpAccess';
import { invoke } from './invoke';
import { confinePaths, networkPathPolicy, readImageForServing, readOutputForServing } from './pathPolicy';
import { WRONG_BOOK_DIR, WRONG_BOOK_FILE } from './handlers/app/students';
import { RESULTS_DIR, resultsFileType } from './handlers/app/results';
import type { StationEvents } from './events';

/**
 * Browser mode: the same handler map over HTTP, for a station with no display of its own. It listens
 * on 127.0.0.1 unless told otherwise; on any other address it needs station tokens. The security
 * model (Host/Origin checks, launch link and cookies, tokens, paths) is in docs/security.md.
 */
export type HttpOptions = {
  host?: string;
  port?: number;
  token?: string;
  adminToken?: string;
  /** Defaults to the station's own event bus. */
  events?: StationEvents;
  /** Called with a fresh launch link each time one is used, for the next browser. */
  onLaunchUrl?: (url: string) => void;
};
/** launchUrl signs one browser in; newLaunchUrl makes another (Electron's window, a test's next browser). */
export type HttpServer = { app: FastifyInstance; url: string; launchUrl: string; newLaunchUrl: () => string };

const require = createRequire(import.meta.url);
/** The teacher's app as Vite builds it (tools/build-ui.mjs): index.html and hashed files under assets/. */
const UI_BUILD = join(REPO_ROOT, 'dist', 'ui');
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', png: 'image/png', woff2: 'font/woff2', json: 'application/json',
};
const FONT = '/font/NotoSansSC.ttf';
const ASSET = /^\/assets\/[\w.-]+\.(js|css|svg|png|woff2|json)$/;
/** Reachable without a session: the UI's own files (no station data in them) and the two ways to get a session. */
const PUBLIC = new Set(['/', FONT, '/launch', '/session']);
const isPublic = (path: string) => PUBLIC.has(path) || ASSET.test(path);
const NOT_BUILT = '<!doctype html><meta charset="utf-8"><title>PaperLoop</title><p>The app is not built yet. Fix: run <code>npm run build:ui</code> (or <code>npm install</code>), then reload.</p>';

const refuse = (reply: FastifyReply, status: number, code: string, message: string) => reply.code(status).send({ ok: false, error: { code, message } });

export async function startHttp(ctx: StationContext, options: HttpOptions = {}): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  const tokens = checkTokens(options);
  if (!tokens.ok) throw new Error(tokens.error);
  if (host !== '127.0.0.1' && host !== 'localhost' && !options.token && !options.adminToken && ctx.settings.network.tokens.length === 0)
    throw new Error(`listening on ${host} needs a token (PAPERLOOP_TOKEN, or one made on the Settings screen), or other machines could read student data.`);
  const events = options.events ?? ctx.events;
  const paths = networkPathPolicy(ctx);
  const app = Fastify({ logger: false, bodyLimit: 1 << 20, forceCloseConnections: true });
  // Filled in once listening: the port is part of the allowed Host and of the cookie's name.
  let port = 0;
  let access: StationAccess | null = null;
  let hostNames = new Set<string>();
  const accessOf = new WeakMap<object, Access>();

  app.addHook('onRequest', async (req, reply) => {
    if (!access || !hostAllowed(req.headers.host, hostNames, port))
      return refuse(reply, 403, 'foreign_host', `this station does not answer to the name "${req.headers.host ?? ''}". Fix: use http://127.0.0.1:${port}/ or a name in settings.json "network.hostNames".`);
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(reply, 403, 'foreign_origin', `requests from ${req.headers.origin} are refused.`);
    if (req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      return refuse(reply, 415, 'json_only', 'POST bodies must be JSON (Content-Type: application/json).');
    const path = req.url.split('?')[0]!;
    if (req.method === 'GET' && isPublic(path)) return;
    if (req.method === 'POST' && path === '/session') return;
    const who = access.byAuthorization(req.headers.authorization) ?? access.byCookie(req.headers.cookie);
    if (!who) return refuse(reply, 401, 'unauthorised', 'sign in: open the launch link the station printed, or give the station token.');
    accessOf.set(req, who);
  });

  // No framing by other sites (clickjacking), nothing loaded from elsewhere, no launch code in a Referer.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('content-security-policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  app.setErrorHandler((error: { statusCode?: number; message: string; stack?: string }, _req, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) return refuse(reply, error.statusCode, 'bad_request', error.message);
    process.stderr.write(`paperloop http: ${error.stack ?? error.message}\n`);
    return refuse(reply, 500, 'internal', 'the station hit an unexpected error; details are in its log.');
  });

  app.get('/', async (_req, reply) => {
    const index = join(UI_BUILD, 'index.html');
    if (!existsSync(index)) return reply.code(503).type(TYPES.html!).send(NOT_BUILT);
    return reply.type(TYPES.html!).header('cache-control', 'no-store').send(readFileSync(index));
  });
  // Asset names carry a content hash, so they can be cached for good.
  app.get('/assets/*', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    const file = join(UI_BUILD, path);
    if (!ASSET.test(path) || !existsSync(file)) return refuse(reply, 404, 'not_found', `no such app file ${path}`);
    return reply.type(TYPES[path.split('.').pop()!]!).header('cache-control', 'max-age=31536000, immutable').send(readFileSync(file));
  });

  // The UI's CJK font ships with the install (the station may have no system CJK fonts, and no network).
  app.get(FONT, async (_req, reply) =>
    reply.type('font/ttf').header('cache-control', 'max-age=86400').send(readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'))),
  );

  /** The launch link: its one-time code becomes a session cookie, and the browser goes on to the UI. */
  // No HEAD route: a link previewer's HEAD must not spend the code.
  app.get<{ Querystring: { code?: string } }>('/launch', { exposeHeadRoute: false }, async (req, reply) => {
    const session = access!.redeemLaunchCode(req.query.code ?? '');
    if (!session)
      return reply.code(403).type(TYPES.html!).send('<!doctype html><meta charset="utf-8"><title>PaperLoop</title><p>This launch link was already used or is not from this station. Open the newest link the station printed, or sign in with the station token at <a href="/">the start page</a>.</p>');
    if (options.onLaunchUrl) options.onLaunchUrl(launchUrl());
    return reply.header('set-cookie', access!.setCookie(session)).redirect('/', 303);
  });

  /** Signing in with a station token (teachers on other machines): a session cookie for the token's role. */
  app.post<{ Body: { token?: unknown } }>('/session', async (req, reply) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const who = access!.byToken(token);
    if (!who) return refuse(reply, 401, 'unauthorised', access!.hasTokens ? 'wrong station token.' : 'this station has no tokens: open the launch link it printed when it started.');
    return reply.header('set-cookie', access!.setCookie(access!.newSession(who))).send({ ok: true, value: { role: who.role } });
  });

  app.get('/api', async () => ({ handlers: Object.keys(handlers) }));

  app.post<{ Params: { name: string } }>('/api/:name', async (req, reply) => {
    const name = req.params.name as HandlerName;
    if (!Object.hasOwn(handlers, name)) return refuse(reply, 404, 'unknown_handler', `no handler "${req.params.name}"`);
    const who = accessOf.get(req)!;
    if (!mayCall(who.role, name)) return refuse(reply, 403, 'forbidden', `${name} needs the admin role`);
    const confined = confinePaths(name, req.body ?? {}, paths);
    if (!confined.ok) return refuse(reply, 403, 'path_refused', confined.error);
    const result = await invoke({ ...ctx, actor: who.actor }, name, confined.value as never);
    return reply.code(result.ok ? 200 : 422).send(result);
  });

  /** The image crop behind a review item, so the teacher sees what the reader saw. Writes nothing. ?context=1: the field in its surroundings, the rest dimmed. */
  app.get<{ Params: { responseId: string }; Querystring: { context?: string } }>('/crop/:responseId', async (req, reply) => {
    const review = ctx.store.scans.openReview(Number(req.params.responseId));
    if (!review) return refuse(reply, 404, 'not_found', 'no such review');
    const image = readImageForServing(ctx.dataDir, review.imagePath, paths.maxInputBytes);
    if (!image.ok) return refuse(reply, 404, 'no_image', `response ${review.responseId}: ${image.error}`);
    const crop = (review.evidence as { crop?: { x: number; y: number; w: number; h: number } } | null)?.crop;
    const png = req.query.context === '1' ? await fieldInContextPng(image.value, crop) : await cropPng(image.value, crop);
    return reply.type('image/png').header('cache-control', 'no-store').send(png);
  });

  /** A wrong-question book the studentWrongBookPdf handler wrote, to open, print or save in the browser. Writes nothing. */
  app.get<{ Params: { file: string } }>('/wrong-book/:file', async (req, reply) => {
    if (!WRONG_BOOK_FILE.test(req.params.file)) return refuse(reply, 404, 'not_found', 'no such wrong-question book');
    const pdf = readOutputForServing(ctx.dataDir, WRONG_BOOK_DIR, req.params.file, paths.maxInputBytes);
    if (!pdf.ok) return refuse(reply, 404, 'not_found', `${req.params.file}: ${pdf.error}. Fix: make the book again on the student's page.`);
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(req.params.file)}`).send(pdf.value);
  });

  /** A results export or annotated PDF the results handlers wrote under out/results/, as a download. Writes nothing. */
  app.get<{ Params: { file: string } }>('/results-file/:file', async (req, reply) => {
    const type = resultsFileType(req.params.file);
    if (!type) return refuse(reply, 404, 'not_found', 'no such results file');
    const file = readOutputForServing(ctx.dataDir, RESULTS_DIR, req.params.file, paths.maxInputBytes);
    if (!file.ok) return refuse(reply, 404, 'not_found', `${req.params.file}: ${file.error}. Fix: make it again on the Results screen.`);
    return reply.type(type).header('cache-control', 'no-store').header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(req.params.file)}`).send(file.value);
  });

  /** A stored scan as a PNG for the Scan screen (thumbnails, a refused sheet's card), at most w px wide. Writes nothing. */
  app.get<{ Params: { imageId: string }; Querystring: { w?: string } }>('/scan-image/:imageId', async (req, reply) => {
    const row = ctx.store.scans.image(Number(req.params.imageId));
    if (!row) return refuse(reply, 404, 'not_found', 'no such scanned image');
    const image = readImageForServing(ctx.dataDir, row.path, paths.maxInputBytes);
    if (!image.ok) return refuse(reply, 404, 'no_image', `image ${row.id}: ${image.error}`);
    const width = Math.min(1200, Math.max(60, Number(req.query.w) || 240));
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(await scanThumbnail(image.value, row.mediaType, width));
  });

  /** A thumbnail of one page of a student's workbook as it would print (no page id is spent on it). Writes nothing. */
  app.get<{ Params: { setId: string; studentId: string; page: string } }>('/print/preview/:setId/:studentId/:page', async (req, reply) => {
    const png = await previewPng(ctx, req.params.setId, req.params.studentId, Number(req.params.page));
    if (!png.ok) return refuse(reply, 404, 'not_found', png.error);
    return reply.type('image/png').header('cache-control', 'no-store').send(png.value);
  });

  /** A PDF the printSet handler wrote under out/print/, downloaded ("Save PDF"). Writes nothing. */
  app.get<{ Params: { file: string } }>('/print/pdf/:file', async (req, reply) => {
    if (!PRINT_PDF_NAME.test(req.params.file)) return refuse(reply, 404, 'not_found', 'no such printed PDF');
    const pdf = readOutputForServing(ctx.dataDir, PRINT_DIR, req.params.file, paths.maxInputBytes);
    if (!pdf.ok) return refuse(reply, 404, 'not_found', `${req.params.file}: ${pdf.error}. Fix: print the set again on the Print screen.`);
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${req.params.file}"`).send(pdf.value);
  });

  let eventClients = 0;
  app.get('/events', (req, reply) => {
    const max = ctx.settings.network.maxEventClients;
    if (eventClients >= max) return refuse(reply, 503, 'too_many_clients', `${max} browsers are already following this station (settings.json "network.maxEventClients"). Close one and retry.`);
    eventClients++;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const off = events.subscribe((e) => reply.raw.write(`data: ${JSON.stringify(e)}\n\n`));
    req.raw.on('close', () => {
      off();
      eventClients--;
    });
  });

  const address = await app.listen({ host, port: options.port ?? 0 });
  port = (app.server.address() as { port: number }).port;
  hostNames = allowedHostNames(host, ctx.settings.network.hostNames);
  access = new StationAccess(options, ctx.actor, port, () => ctx.settings.network.tokens);
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  const launchUrl = () => `${url}/launch?code=${access!.newLaunchCode()}`;
  return { app, url, launchUrl: launchUrl(), newLaunchUrl: launchUrl };
}
