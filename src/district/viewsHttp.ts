/**
 * The district views over HTTP: JSON under /v1/views/*, HTML pages under /views/* (no JavaScript; a sign-in form
 * sets an HttpOnly, SameSite=Strict session cookie). Every view needs a viewer token or better.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { throwIllegalValue } from '../domain/result';
import type { DistrictPeople } from './roles';
import { rangeOf, itemsView, minutesView, skillsView, stationsView, type DateRange } from './views';
import { renderSignIn, renderView, VIEW_PAGES, type ViewData, type ViewLang, type ViewPage } from './viewsHtml';

type Query = { lang?: string; from?: string; to?: string };

const langOf = (req: FastifyRequest): ViewLang => {
  const asked = (req.query as Query).lang;
  if (asked === 'zh' || asked === 'en') return asked;
  return /^\s*zh/i.test(String(req.headers['accept-language'] ?? '')) ? 'zh' : 'en';
};

const isViewPage = (p: string): p is ViewPage => (VIEW_PAGES as readonly string[]).includes(p);

async function viewData(pool: pg.Pool, page: ViewPage, query: Query, today: string): Promise<ViewData | string> {
  if (page === 'stations') return { page, stations: await stationsView(pool) };
  const range = await rangeOf(pool, query, today);
  if (typeof range === 'string') return range;
  const ranged = async (r: DateRange): Promise<ViewData> => {
    switch (page) {
      case 'minutes': return { page, range: r, ...(await minutesView(pool, r)) };
      case 'skills': return { page, range: r, trends: await skillsView(pool, r) };
      case 'items': return { page, range: r, items: await itemsView(pool, r) };
      default: return throwIllegalValue(page, 'view');
    }
  };
  return ranged(range);
}

const NO_TOKENS = 'no district tokens are set, so the views are closed. Fix: start the server with PAPERLOOP_DISTRICT_VIEWER_TOKEN (and _RESEARCH_, _ADMIN_) or --viewer-token.';

export function registerViewRoutes(app: FastifyInstance, pool: pg.Pool, people: DistrictPeople | null, now: () => number): void {
  const today = () => new Date(now()).toISOString().slice(0, 10);

  app.get('/v1/views/:page', async (req, reply) => {
    const name = (req.params as { page: string }).page;
    if (!isViewPage(name)) return reply.code(404).send({ error: `no view ${name}; views: ${VIEW_PAGES.join(', ')}` });
    if (!people) return reply.code(401).send({ error: NO_TOKENS });
    if (!people.roleOf(req.headers, false)) return reply.code(401).send({ error: 'a district token is required: Authorization: Bearer <token>' });
    const data = await viewData(pool, name, req.query as Query, today());
    if (typeof data === 'string') return reply.code(400).send({ error: data });
    return data;
  });

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'").header('x-frame-options', 'DENY').send(body);

  app.get('/views', async (req, reply) => reply.redirect(`/views/minutes?lang=${langOf(req)}`, 303));

  app.get('/views/:page', async (req, reply) => {
    const name = (req.params as { page: string }).page;
    const lang = langOf(req);
    if (name === 'login') return html(reply, 200, renderSignIn(lang, '/views/minutes', false));
    if (!isViewPage(name)) return reply.code(404).send({ error: `no page ${name}; pages: ${VIEW_PAGES.join(', ')}` });
    if (!people) return reply.code(401).send({ error: NO_TOKENS });
    if (!people.roleOf(req.headers, true)) return html(reply, 401, renderSignIn(lang, `/views/${name}`, false));
    const data = await viewData(pool, name, req.query as Query, today());
    if (typeof data === 'string') return reply.code(400).send({ error: data });
    return html(reply, 200, renderView(lang, data));
  });

  app.post('/views/login', async (req, reply) => {
    const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const lang: ViewLang = form.get('lang') === 'zh' ? 'zh' : 'en';
    const askedNext = form.get('next') ?? '';
    const next = /^\/views\/[a-z]+$/.test(askedNext) ? askedNext : '/views/minutes';
    const role = people?.byToken(form.get('token') ?? '') ?? null;
    if (!people || !role) return html(reply, 401, renderSignIn(lang, next, true));
    const secret = people.newSession(role);
    return reply.header('set-cookie', `${people.cookieName}=${secret}; HttpOnly; SameSite=Strict; Path=/`).redirect(`${next}?lang=${lang}`, 303);
  });

  app.post('/views/logout', async (req, reply) => {
    const secret = people?.sessionOf(req.headers);
    if (people && secret) people.endSession(secret);
    return reply.header('set-cookie', `${people?.cookieName ?? 'paperloop_district'}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`).redirect('/views/login', 303);
  });
}
