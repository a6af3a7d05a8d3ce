/**
 * Every string the teacher reads goes through i18next, in both languages: the key sets of each namespace match between
 * en and zh-Hans, every t('…') key used in the app exists, and no JSX holds literal text or literal labels.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/station/context';

const UI = join(REPO_ROOT, 'src', 'ui');
const LANGS = ['en', 'zh-Hans'];
type Tree = { [key: string]: string | Tree };

const filesUnder = (dir: string, ext: RegExp): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, ext) : ext.test(name) ? [path] : [];
  });

const leafKeys = (tree: Tree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leafKeys(v, `${prefix}${k}.`)));
/** i18next plural forms (key_one, key_other…) count as their base key. */
const baseKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const namespaces = readdirSync(join(UI, 'locales', 'en')).map((f) => f.replace(/\.json$/, ''));
const keysOf = (lang: string, ns: string) => leafKeys(JSON.parse(readFileSync(join(UI, 'locales', lang, `${ns}.json`), 'utf8')) as Tree);

/** Attributes a person reads (or a screen reader says): they must be translated too. */
const READ_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription', 'label']);
const hasWords = (text: string) => /[A-Za-z\u4e00-\u9fff]{2,}/.test(text);

/** Key names and commands (<kbd>Enter</kbd>, <code>paperloop …</code>) read the same in every language. */
const UNTRANSLATED_ELEMENTS = new Set(['kbd', 'code']);
const insideUntranslated = (node: ts.Node) => ts.isJsxElement(node.parent) && UNTRANSLATED_ELEMENTS.has(node.parent.openingElement.tagName.getText());

function literalTextIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (node: ts.Node) => `${relative(REPO_ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text) && !insideUntranslated(node)) found.push(`${at(node)} text "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && hasWords(node.initializer.text))
      found.push(`${at(node)} ${node.name.getText()}="${node.initializer.text}"`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** t('key') and t('ns:key') calls with a literal key, with the namespace of the file's useTranslation('ns'). */
function usedKeys(file: string): { key: string; ns: string; where: string }[] {
  const text = readFileSync(file, 'utf8');
  const defaultNs = /useTranslation\(\s*'([\w-]+)'/.exec(text)?.[1] ?? 'common';
  const out: { key: string; ns: string; where: string }[] = [];
  for (const m of text.matchAll(/\bt\(\s*'([\w.:-]+)'/g)) {
    const [ns, key] = m[1]!.includes(':') ? (m[1]!.split(':') as [string, string]) : [defaultNs, m[1]!];
    out.push({ key, ns, where: `${relative(REPO_ROOT, file)}:${text.slice(0, m.index).split('\n').length}` });
  }
  return out;
}

describe('the app speaks zh-Hans and en everywhere', () => {
  it('has the same keys in en and zh-Hans in every namespace', () => {
    expect(namespaces.length).toBeGreaterThanOrEqual(8);
    for (const ns of namespaces) {
      const [en, zh] = LANGS.map((l) => new Set(keysOf(l, ns).map(baseKey)));
      expect({ ns, missingInZh: [...en!].filter((k) => !zh!.has(k)), missingInEn: [...zh!].filter((k) => !en!.has(k)) }).toEqual({ ns, missingInZh: [], missingInEn: [] });
    }
  });

  it('uses only keys that exist', () => {
    const known = new Set(namespaces.flatMap((ns) => keysOf('en', ns).map((k) => `${ns}:${baseKey(k)}`)));
    const prefixes = new Set(namespaces.flatMap((ns) => keysOf('en', ns).flatMap((k) => k.split('.').slice(0, -1).map((_, i, a) => `${ns}:${a.slice(0, i + 1).join('.')}`))));
    const used = filesUnder(UI, /\.tsx?$/).flatMap(usedKeys);
    expect(used.length).toBeGreaterThan(10);
    // A key that names a group (t('nav.' + screen) is written as a template) is not checked here; literal keys are.
    expect(used.filter((u) => !known.has(`${u.ns}:${u.key}`) && !prefixes.has(`${u.ns}:${u.key}`)).map((u) => `${u.where} ${u.ns}:${u.key}`)).toEqual([]);
  });

  it('has no literal text or literal labels in JSX', () => {
    const files = filesUnder(UI, /\.tsx$/);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(literalTextIn)).toEqual([]);
  });
});
