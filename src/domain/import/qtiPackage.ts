/**
 * IMS content packages (a zip with imsmanifest.xml) and folders of QTI items, read whole: every item
 * the package lists is parsed, and any problem in any of them refuses the package.
 * Pure: the caller hands in the zip's bytes or a reader of the folder.
 */
import type JSZip from 'jszip';
import { XMLParser } from 'fast-xml-parser';
import { err, ok, type Result } from '../result';
import { parseQtiItem, type QtiDefaults } from './qti';
import { decodeImportFile } from './decode';
import { quote, type ImportIssue } from './issues';

/** Limits on a zip, so that a small file cannot expand to fill the disk or memory (a "zip bomb"). */
export const PACKAGE_LIMITS = { maxEntries: 5000, maxEntryBytes: 20 * 1024 * 1024, maxTotalBytes: 200 * 1024 * 1024 } as const;

/** One file of a package: its path inside the package (forward slashes, no "..") and its bytes. */
export type PackageEntry = { path: string; bytes: Uint8Array };

/** The folder operations the reader needs, so the caller does the I/O. */
export type FolderReader = { isDirectory: (path: string) => boolean; list: (path: string) => string[]; read: (path: string) => Uint8Array };

export type QtiPackageRead = { items: import('../item').ItemInput[]; itemFiles: string[]; skippedResources: number; hasManifest: boolean };

const MANIFEST = 'imsmanifest.xml';
const ITEM_RESOURCE = /^imsqti_item_xmlv\dp\d$/i;
const fix = {
  path: 'build the package again with your authoring tool; entries must stay inside the package (no "..", no absolute paths)',
  size: `split the package; PaperLoop reads up to ${PACKAGE_LIMITS.maxEntries} files and ${PACKAGE_LIMITS.maxTotalBytes / 1024 / 1024} MB unpacked`,
};

/** A safe package path, or why the entry name is refused (path traversal, absolute paths, drive letters). */
export function safeEntryPath(name: string): Result<string, string> {
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return err(`the entry ${quote(name)} has an absolute path`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return err(`the entry ${quote(name)} points outside the package ("..")`);
  return ok(parts.join('/'));
}

/** The files of a zip, inflated with a running count so that a zip bomb stops at the limit, not after it. */
export async function unzipPackage(bytes: Uint8Array, file: string): Promise<Result<PackageEntry[], ImportIssue[]>> {
  // Loaded here, not at start: jszip costs ~20 ms, and most commands never read a zip.
  const { default: jszip } = await import('jszip');
  let zip: JSZip;
  try {
    zip = await jszip.loadAsync(bytes, { checkCRC32: true });
  } catch (e) {
    return err([{ file, message: `the file is not a readable zip (${(e as Error).message})`, fix: 'export the content package again; it should be a .zip with imsmanifest.xml at its top' }]);
  }
  const files = Object.values(zip.files).filter((f) => !f.dir);
  if (files.length > PACKAGE_LIMITS.maxEntries) return err([{ file, message: `the zip has ${files.length} files`, fix: fix.size }]);
  const entries: PackageEntry[] = [];
  let total = 0;
  for (const f of files) {
    const path = safeEntryPath(f.unsafeOriginalName ?? f.name);
    if (!path.ok) return err([{ file, message: path.error, fix: fix.path }]);
    const inflated = await inflateLimited(f, PACKAGE_LIMITS.maxEntryBytes, PACKAGE_LIMITS.maxTotalBytes - total);
    if (!inflated.ok) return err([{ file, field: path.value, message: inflated.error, fix: fix.size }]);
    total += inflated.value.length;
    entries.push({ path: path.value, bytes: inflated.value });
  }
  return ok(entries);
}

/** JSZip's own chunked stream (documented as StreamHelper, absent from its typings); it works without Node streams. */
type InflateStream = { on(event: 'data', f: (chunk: Uint8Array) => void): InflateStream; on(event: 'error', f: (e: Error) => void): InflateStream; on(event: 'end', f: () => void): InflateStream; pause(): InflateStream; resume(): InflateStream };

function inflateLimited(f: JSZip.JSZipObject, maxEntry: number, maxLeft: number): Promise<Result<Uint8Array, string>> {
  const limit = Math.min(maxEntry, maxLeft);
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Result<Uint8Array, string>) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const stream = (f as unknown as { internalStream(type: 'uint8array'): InflateStream }).internalStream('uint8array');
    stream
      .on('data', (chunk: Uint8Array) => {
        size += chunk.length;
        if (size > limit) {
          stream.pause();
          finish(err(`the entry unpacks to more than ${Math.round(limit / 1024 / 1024)} MB (a zip bomb, or too large)`));
        } else chunks.push(chunk);
      })
      .on('error', (e: Error) => finish(err(`the entry cannot be unpacked (${e.message})`)))
      .on('end', () => {
        const out = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        finish(ok(out));
      })
      .resume();
  });
}

/**
 * Every file under a folder, as package entries (paths relative to the folder), within the zip limits;
 * a folder that links back into itself stops at the file limit instead of recursing without end.
 */
export function readFolder(root: string, reader: FolderReader): Result<PackageEntry[], ImportIssue[]> {
  const entries: PackageEntry[] = [];
  let total = 0;
  const pending = [''];
  while (pending.length) {
    const relative = pending.shift()!;
    for (const name of reader.list(relative ? `${root}/${relative}` : root).sort()) {
      const rel = relative ? `${relative}/${name}` : name;
      if (reader.isDirectory(`${root}/${rel}`)) {
        pending.push(rel);
        continue;
      }
      const bytes = reader.read(`${root}/${rel}`);
      total += bytes.length;
      entries.push({ path: rel, bytes });
      if (entries.length > PACKAGE_LIMITS.maxEntries || total > PACKAGE_LIMITS.maxTotalBytes) return err([{ file: root, message: `the folder holds more than ${PACKAGE_LIMITS.maxEntries} files or ${PACKAGE_LIMITS.maxTotalBytes / 1024 / 1024} MB`, fix: fix.size }]);
    }
  }
  return ok(entries);
}

const manifestParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, processEntities: false, isArray: (name) => ['resource', 'resources'].includes(name) });

/** A manifest href as a path: percent escapes decoded, a malformed escape left as written (the file is then reported missing). */
function decodeHref(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}

/** The item files a manifest lists (resources of type imsqti_item_xmlvNpN), and how many other resources it has. */
function manifestItemPaths(text: string, file: string): Result<{ items: string[]; others: number }, ImportIssue[]> {
  if (/<!DOCTYPE/i.test(text))
    return err([{ file, message: 'the manifest has a document type declaration (<!DOCTYPE …>), which PaperLoop refuses', fix: 'delete the <!DOCTYPE …> declaration from imsmanifest.xml' }]);
  let tree: Record<string, unknown>;
  try {
    tree = manifestParser.parse(text, true) as Record<string, unknown>;
  } catch (e) {
    return err([{ file, message: `the manifest is not well-formed XML (${(e as Error).message.split('\n')[0]})`, fix: 'export the content package again' }]);
  }
  const manifest = tree.manifest as { resources?: { resource?: Record<string, string>[]; base?: string }[] } | undefined;
  if (!manifest) return err([{ file, message: 'the file has no <manifest> element', fix: 'an IMS content package has imsmanifest.xml with a <manifest> root' }]);
  const items: string[] = [];
  let others = 0;
  for (const group of manifest.resources ?? [])
    for (const r of group.resource ?? []) {
      if (!ITEM_RESOURCE.test(r.type ?? '')) {
        others++;
        continue;
      }
      if (!r.href) return err([{ file, field: `resource ${r.identifier ?? ''}`, message: 'an item resource has no href', fix: 'give each item resource the path of its XML file (href)' }]);
      items.push(`${r.base ?? group.base ?? ''}${r.href}`);
    }
  return ok({ items, others });
}

/**
 * The items of a package or folder. With imsmanifest.xml: the item resources it lists (every one must be in
 * the package); without: every .xml file. Every item is parsed; one problem anywhere refuses the whole package.
 */
export function readQtiPackage(entries: readonly PackageEntry[], source: string, defaults: Omit<QtiDefaults, 'id'>): Result<QtiPackageRead, ImportIssue[]> {
  const byPath = new Map<string, PackageEntry>();
  for (const e of entries) {
    const p = safeEntryPath(e.path);
    if (!p.ok) return err([{ file: source, message: p.error, fix: fix.path }]);
    byPath.set(p.value, e);
  }
  const text = (path: string): Result<string, ImportIssue[]> => {
    const entry = byPath.get(path);
    if (!entry) return err([{ file: `${source}/${path}`, message: 'the manifest lists this item file, but the package does not contain it', fix: 'export the package again with all its item files' }]);
    const decoded = decodeImportFile(entry.bytes, `${source}/${path}`);
    return decoded.ok ? ok(decoded.value.text) : decoded;
  };
  // At the top, or in the one folder a zip tool wrapped the package in; hrefs are relative to the manifest's folder.
  const manifestPath = [...byPath.keys()].filter((p) => /(^|\/)imsmanifest\.xml$/i.test(p) && p.split('/').length <= 2).sort((a, b) => a.length - b.length)[0];
  let itemFiles: string[];
  let skippedResources = 0;
  if (manifestPath !== undefined) {
    const m = text(manifestPath);
    if (!m.ok) return m;
    const listed = manifestItemPaths(m.value, `${source}/${manifestPath}`);
    if (!listed.ok) return listed;
    itemFiles = [];
    for (const href of listed.value.items) {
      const p = safeEntryPath(`${manifestPath.slice(0, manifestPath.length - MANIFEST.length)}${decodeHref(href)}`);
      if (!p.ok) return err([{ file: `${source}/${manifestPath}`, message: p.error, fix: fix.path }]);
      itemFiles.push(p.value);
    }
    skippedResources = listed.value.others;
  } else itemFiles = [...byPath.keys()].filter((p) => /\.xml$/i.test(p)).sort();
  if (itemFiles.length === 0)
    return err([{ file: source, message: manifestPath ? 'the manifest lists no QTI item resources (type imsqti_item_xmlv2p1, v2p2 or v3p0)' : 'the folder holds no .xml item files', fix: 'export the items as QTI 2.1, 2.2 or 3.0 items' }]);

  const issues: ImportIssue[] = [];
  const items: QtiPackageRead['items'] = [];
  const firstFile = new Map<string, string>();
  for (const path of itemFiles) {
    const t = text(path);
    if (!t.ok) {
      issues.push(...t.error);
      continue;
    }
    const r = parseQtiItem(t.value, `${source}/${path}`, defaults);
    if (!r.ok) {
      issues.push(...r.error);
      continue;
    }
    const other = firstFile.get(r.value.item.id);
    if (other !== undefined) issues.push({ file: `${source}/${path}`, field: 'identifier', message: `item id ${quote(r.value.item.id)} is also the id of ${other}`, fix: 'give every item of the package its own identifier' });
    firstFile.set(r.value.item.id, path);
    items.push(r.value.item);
  }
  return issues.length ? err(issues) : ok({ items, itemFiles, skippedResources, hasManifest: manifestPath !== undefined });
}

/**
 * A folder or .zip given to an item import: its items, read whole. Undefined when the path is neither
 * (an ordinary items file). Without QTI defaults (subject, grade, skills) a package is refused with the fix.
 */
export async function readQtiSource(path: string, defaults: Omit<QtiDefaults, 'id'> | undefined, reader: FolderReader): Promise<Result<QtiPackageRead, ImportIssue[]> | undefined> {
  let isDirectory: boolean;
  try {
    isDirectory = reader.isDirectory(path);
  } catch {
    return undefined;
  }
  if (!isDirectory && !/\.zip$/i.test(path)) return undefined;
  if (!defaults) return err([{ file: path, message: 'QTI items carry no subject, grade or skills', fix: 'pass --subject, --grade and --skills (and optionally --tier, --minutes) with a QTI package or folder' }]);
  let entries: PackageEntry[];
  try {
    if (isDirectory) {
      const read = readFolder(path, reader);
      if (!read.ok) return read;
      entries = read.value;
    } else {
      const unzipped = await unzipPackage(reader.read(path), path);
      if (!unzipped.ok) return unzipped;
      entries = unzipped.value;
    }
  } catch (e) {
    return err([{ file: path, message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, fix: 'check the path and that it is readable' }]);
  }
  return readQtiPackage(entries, path, defaults);
}
