/** The files `district import-items` reads: QTI content packages, folders of QTI items and single QTI files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { QtiDefaults } from '../domain/import/qti';
import { readQtiPackage, readQtiSource, type FolderReader } from '../domain/import/qtiPackage';
import { quote, type ImportIssue } from '../domain/import/issues';
import type { ItemInput } from '../domain/item';
import { err, ok, type Result } from '../domain/result';

const disk: FolderReader = { isDirectory: (p) => statSync(p).isDirectory(), list: (p) => readdirSync(p), read: (p) => readFileSync(p) };

function readSingleItem(path: string, defaults: Omit<QtiDefaults, 'id'>) {
  if (!/\.xml$/i.test(path)) return err<ImportIssue[]>([{ file: path, message: 'not a QTI package (.zip), folder or item (.xml)', fix: 'give content packages, folders of QTI items or QTI .xml files' }]);
  try {
    return readQtiPackage([{ path: basename(path), bytes: readFileSync(path) }], dirname(path), defaults);
  } catch (e) {
    return err<ImportIssue[]>([{ file: path, message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, fix: 'check the path and that it is readable' }]);
  }
}

/** Every item of every path, or every problem: one bad item anywhere and nothing is returned. */
export async function readBankSources(paths: readonly string[], defaults: Omit<QtiDefaults, 'id'>): Promise<Result<ItemInput[], ImportIssue[]>> {
  const items: ItemInput[] = [];
  const issues: ImportIssue[] = [];
  const firstPath = new Map<string, string>();
  for (const path of paths) {
    const read = (await readQtiSource(path, defaults, disk)) ?? readSingleItem(path, defaults);
    if (!read.ok) {
      issues.push(...read.error);
      continue;
    }
    for (const item of read.value.items) {
      const other = firstPath.get(item.id);
      if (other !== undefined) issues.push({ file: path, field: 'identifier', message: `item id ${quote(item.id)} is also in ${other}`, fix: 'import each item once, or give the items distinct identifiers' });
      firstPath.set(item.id, path);
      items.push(item);
    }
  }
  return issues.length ? err(issues) : ok(items);
}
