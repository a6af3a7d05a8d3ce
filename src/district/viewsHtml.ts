/** Server-rendered pages of the district views, in Chinese or English. No scripts; every text is escaped. */
import { throwIllegalValue } from '../domain/result';
import type { DateRange, ItemUse, MinutesDay, MinutesSubject, SkillTrend, StationView } from './views';

export type ViewLang = 'zh' | 'en';
export const VIEW_PAGES = ['minutes', 'skills', 'items', 'stations'] as const;
export type ViewPage = (typeof VIEW_PAGES)[number];

const TEXT = {
  en: {
    title: 'PaperLoop district', minutes: 'Homework minutes', skills: 'Correct rate by skill', items: 'Item-bank use', stations: 'Stations',
    school: 'School (station)', grade: 'Grade', subject: 'Subject', day: 'Day', students: 'Students', avg: 'Average min', max: 'Most min',
    cap: 'Cap (min)', overCap: 'Over the cap', perSubject: 'By subject', skill: 'Skill', week: 'Week of', responses: 'Responses',
    correctRate: 'Correct', item: 'Item', schools: 'Schools', lastUsed: 'Last used', status: 'Status', highWater: 'Entries received',
    lastSync: 'Last sync', enrolled: 'Enrolled', never: 'never', from: 'From', to: 'To', show: 'Show', none: 'No data in this range.',
    signIn: 'Sign in', token: 'Token', signOut: 'Sign out', badToken: 'That token is not valid here.', other: '中文',
    pending: 'pending', approved: 'approved', revoked: 'revoked',
  },
  zh: {
    title: 'PaperLoop 区级数据', minutes: '作业时长', skills: '各知识点正确率', items: '题库使用', stations: '工作站',
    school: '学校（工作站）', grade: '年级', subject: '学科', day: '日期', students: '学生数', avg: '平均分钟', max: '最多分钟',
    cap: '上限（分钟）', overCap: '超过上限', perSubject: '按学科', skill: '知识点', week: '周起始', responses: '作答数',
    correctRate: '正确率', item: '题目', schools: '学校数', lastUsed: '最近使用', status: '状态', highWater: '已接收条目',
    lastSync: '最近同步', enrolled: '注册时间', never: '从未', from: '从', to: '到', show: '显示', none: '此时间段没有数据。',
    signIn: '登录', token: '令牌', signOut: '退出', badToken: '令牌无效。', other: 'English',
    pending: '待批准', approved: '已批准', revoked: '已撤销',
  },
} as const;
type Key = keyof (typeof TEXT)['en'];

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(lang: ViewLang, head: Key[], rows: unknown[][]): string {
  const t = TEXT[lang];
  if (rows.length === 0) return `<p class="none">${escapeHtml(t.none)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(t[h])}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function page(lang: ViewLang, heading: string, nav: string, body: string): string {
  const t = TEXT[lang];
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHtml(heading)} · ${escapeHtml(t.title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}nav a{margin-right:1rem}.over{color:#a00}</style>` +
    `</head><body><header><strong>${escapeHtml(t.title)}</strong> ${nav}</header><h1>${escapeHtml(heading)}</h1>${body}</body></html>`;
}

function navigation(lang: ViewLang, current: ViewPage, range: DateRange | null): string {
  const t = TEXT[lang];
  const q = (l: ViewLang) => `?lang=${l}${range ? `&amp;from=${escapeHtml(range.from)}&amp;to=${escapeHtml(range.to)}` : ''}`;
  const links = VIEW_PAGES.map((p) => (p === current ? `<b>${escapeHtml(t[p])}</b>` : `<a href="/views/${p}${q(lang)}">${escapeHtml(t[p])}</a>`)).join(' ');
  const other: ViewLang = lang === 'zh' ? 'en' : 'zh';
  return `<nav>${links} <a href="/views/${current}${q(other)}" lang="${other}">${escapeHtml(t.other)}</a> ` +
    `<form method="post" action="/views/logout" style="display:inline"><button>${escapeHtml(t.signOut)}</button></form></nav>`;
}

function rangeForm(lang: ViewLang, current: ViewPage, range: DateRange): string {
  const t = TEXT[lang];
  return `<form method="get" action="/views/${current}"><input type="hidden" name="lang" value="${lang}">` +
    `<label>${escapeHtml(t.from)} <input type="date" name="from" value="${escapeHtml(range.from)}"></label> ` +
    `<label>${escapeHtml(t.to)} <input type="date" name="to" value="${escapeHtml(range.to)}"></label> <button>${escapeHtml(t.show)}</button></form>`;
}

export type ViewData =
  | { page: 'minutes'; range: DateRange; days: MinutesDay[]; subjects: MinutesSubject[] }
  | { page: 'skills'; range: DateRange; trends: SkillTrend[] }
  | { page: 'items'; range: DateRange; items: ItemUse[] }
  | { page: 'stations'; stations: StationView[] };

export function renderView(lang: ViewLang, data: ViewData): string {
  const t = TEXT[lang];
  const range = data.page === 'stations' ? null : data.range;
  const head = navigation(lang, data.page, range);
  const form = range ? rangeForm(lang, data.page, range) : '';
  switch (data.page) {
    case 'minutes':
      return page(lang, t.minutes, head, form +
        table(lang, ['school', 'grade', 'day', 'students', 'avg', 'max', 'cap', 'overCap'], data.days.map((d) => [d.stationId, d.grade, d.day, d.students, d.avgMinutes, d.maxMinutes, d.capMinutes, d.overCap])) +
        `<h2>${escapeHtml(t.perSubject)}</h2>` +
        table(lang, ['school', 'grade', 'subject', 'day', 'students', 'avg'], data.subjects.map((s) => [s.stationId, s.grade, s.subject, s.day, s.students, s.avgMinutes])));
    case 'skills':
      return page(lang, t.skills, head, form + table(lang, ['skill', 'week', 'responses', 'correctRate'], data.trends.map((s) => [s.skill, s.week, s.responses, pct(s.correctRate)])));
    case 'items':
      return page(lang, t.items, head, form +
        table(lang, ['item', 'subject', 'grade', 'responses', 'correctRate', 'schools', 'lastUsed'], data.items.map((i) => [i.itemId, i.subject ?? '—', i.grade ?? '—', i.responses, pct(i.correctRate), i.schools, i.lastUsed])));
    case 'stations':
      return page(lang, t.stations, head,
        table(lang, ['school', 'status', 'highWater', 'lastSync', 'enrolled'], data.stations.map((s) => [s.stationId, t[s.status as 'pending'] ?? s.status, s.highWater, s.lastSyncAt ?? t.never, s.enrolledAt])));
    default:
      return throwIllegalValue(data, 'view');
  }
}

export function renderSignIn(lang: ViewLang, next: string, failed: boolean): string {
  const t = TEXT[lang];
  return page(lang, t.signIn, '',
    (failed ? `<p role="alert">${escapeHtml(t.badToken)}</p>` : '') +
    `<form method="post" action="/views/login"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="next" value="${escapeHtml(next)}">` +
    `<label>${escapeHtml(t.token)} <input type="password" name="token" autocomplete="current-password" required></label> <button>${escapeHtml(t.signIn)}</button></form>`);
}
