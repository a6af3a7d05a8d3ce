/**
 * The station's failures in the teacher's language: every error code the station can answer with (each fail('…') in
 * the handlers, the HTTP layer's refusals, the typed client's own) has a message and a Fix line in en and zh-Hans,
 * filled in only with fields every such failure carries; an unknown code shows the station's English. And the app
 * shows them so, in real Chromium.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import i18next, { type i18n as I18n } from 'i18next';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/station/context';
import { errorText } from '../../src/ui/components/errorText';
import { LANGUAGES, NAMESPACES, RESOURCES } from '../../src/ui/i18n';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

const tsFilesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFilesUnder(path) : /(?<!\.test)\.ts$/.test(name) ? [path] : [];
  });

type FailSite = { code: string; where: string; withDetails: boolean; params: string[] };
/** Every fail('code', message, details?, params?) call in the handlers: its code, where, whether it carries a details list, and its params' names. */
function failSites(): FailSite[] {
  const sites: FailSite[] = [];
  for (const file of tsFilesUnder(join(REPO_ROOT, 'src', 'station', 'handlers'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.getText() === 'fail' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        const [, , details, params] = node.arguments;
        sites.push({
          code: node.arguments[0].text,
          where: `${relative(REPO_ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`,
          withDetails: details !== undefined && details.getText() !== 'undefined',
          params: params && ts.isObjectLiteralExpression(params) ? params.properties.flatMap((p) => (p.name && !ts.isComputedPropertyName(p.name) ? [p.name.getText()] : [])) : [],
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

/** Codes that reach the app besides fail(): the HTTP layer's refusals, errors built as objects, the typed client's own. */
function otherCodes(): string[] {
  const text = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
  const refusals = [...text('src/station/http.ts').matchAll(/refuse\(reply, [^,]+, '(\w+)'/g)].map((m) => m[1]!);
  const objects = ['src/station/invoke.ts', 'src/ui/api.ts', ...tsFilesUnder(join(REPO_ROOT, 'src', 'station', 'handlers')).map((f) => relative(REPO_ROOT, f))].flatMap((f) =>
    [...text(f).matchAll(/\bcode: '(\w+)'/g)].map((m) => m[1]!),
  );
  return [...refusals, ...objects];
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort();
type Entry = Record<string, string>;
const entriesOf = (lang: (typeof LANGUAGES)[number]) => RESOURCES[lang].errors as unknown as Record<string, Entry>;

async function i18nIn(lng: string): Promise<I18n> {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: RESOURCES, lng, fallbackLng: false, ns: [...NAMESPACES], defaultNS: 'common', interpolation: { escapeValue: false } });
  return i18n;
}

describe('every station error code has words in both languages', () => {
  const sites = failSites();
  const codes = [...new Set([...sites.map((s) => s.code), ...otherCodes()])].sort();

  it('finds the codes where the handlers fail', () => {
    expect(sites.length).toBeGreaterThan(80);
    expect(codes).toEqual(expect.arrayContaining(['unknown_class', 'over_cap', 'already_decided', 'bad_input', 'offline', 'path_refused', 'bad_settings_file']));
  });

  it('has a message and a Fix line for each code in en and zh-Hans, and none for codes the station never sends', async () => {
    for (const lang of LANGUAGES) {
      const i18n = await i18nIn(lang);
      const missing = codes.filter((code) => [1, 2].some((count) => !i18n.exists(`errors:${code}.message`, { count }) || !i18n.exists(`errors:${code}.fix`, { count })));
      expect({ lang, missing }).toEqual({ lang, missing: [] });
      expect({ lang, unused: Object.keys(entriesOf(lang)).filter((code) => !codes.includes(code)) }).toEqual({ lang, unused: [] });
    }
  });

  it('fills a translation only with what every failure of that code carries (its details as count, its params)', () => {
    /** The fields every failure of a code carries: count when each site passes details, and the params each site names. */
    const carried = (code: string): string[] => {
      const of = sites.filter((s) => s.code === code).map((s) => [...(s.withDetails ? ['count'] : []), ...s.params]);
      return of.length ? of.reduce((all, fields) => all.filter((f) => fields.includes(f))) : [];
    };
    expect(carried('over_cap')).toEqual(['count']);
    expect(carried('unknown_class')).toEqual([]);
    for (const code of codes) {
      const used = LANGUAGES.map((lang) => [...new Set(Object.values(entriesOf(lang)[code]!).flatMap(placeholders))].sort());
      expect({ code, en: used[0] }).toEqual({ code, en: used[1] });
      expect({ code, notCarried: used[0]!.filter((p) => !carried(code).includes(p)) }).toEqual({ code, notCarried: [] });
    }
  });

  it("words a known code in the app's language, with its count; an unknown code in the station's English, Fix apart", async () => {
    const zh = await i18nIn('zh-Hans');
    const en = await i18nIn('en');
    const overCap = { code: 'over_cap', message: 'refused: 2 student(s) would go over the daily homework cap on 2026-11-25.', details: ['S01: 95 min', 'S02: 100 min'] };
    expect(errorText(zh, overCap)).toEqual({ message: '有 2 名学生会超过每日作业时长上限。', fix: '请减少作业时长或换一天；学生名单见下方。', translated: true });
    expect(errorText(en, { ...overCap, details: ['S01: 95 min'] }).message).toBe('1 student would go over the daily homework cap.');
    expect(errorText(zh, { code: 'unknown_class', message: 'class "9Z" is not on this station. Fix: pick a class from the list.' })).toEqual({
      message: '本工作站上没有这个班级。', fix: '请从列表中选择班级，或导入该班的学生名单。', translated: true,
    });
    expect(errorText(zh, { code: 'made_up_code', message: 'the flux capacitor is cold. Fix: warm it up, then try again.' })).toEqual({
      message: 'the flux capacitor is cold.', fix: 'warm it up, then try again.', translated: false,
    });
    expect(errorText(zh, { code: 'made_up_code', message: 'no fix line here' })).toEqual({ message: 'no fix line here', fix: null, translated: false });
  });
});

describe('the app shows a station failure in its language (built app, real Chromium)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('imported');
  }, 600_000);
  afterAll(async () => app?.close());

  for (const lang of LANGUAGES)
    it(`an unknown student, in ${lang}: the translated message and Fix line, the station's words below`, async () => {
      const i18n = await i18nIn(lang);
      const page = await app.openPage(lang, '#/students/NOBODY');
      const alert = page.locator('[role="alert"][data-error-code="unknown_student"]');
      await alert.waitFor({ timeout: 60_000 });
      expect(await alert.getAttribute('data-translated')).toBe('true');
      expect(await alert.locator('[data-error-message]').innerText()).toBe(i18n.t('errors:unknown_student.message'));
      expect(await alert.locator('[data-error-fix]').innerText()).toBe(`${i18n.t('common:error.fix')} ${i18n.t('errors:unknown_student.fix')}`);
      const station = alert.locator('[data-error-station] [lang="en"]');
      expect(await station.innerText()).toContain('student "NOBODY" is not on this station. Fix:');
      if (lang === 'zh-Hans') {
        expect(await alert.locator('[data-error-message]').innerText()).toMatch(/[\u4e00-\u9fff]/);
        expect(await seriousA11yViolations(page)).toEqual([]);
      }
    }, 120_000);
});
