import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { err, ok, type Result } from '../domain/result';
import type { StationContext } from './context';
import type { HandlerName } from './handlers';

/**
 * Which handler inputs name files, and what the network may do with them. The CLI (a local user)
 * passes paths as given; the HTTP transport runs every input through `confinePaths` first.
 *   output:     a file the handler writes — over HTTP, a plain name inside the data folder's out/
 *   outputDir:  a folder the handler writes into — over HTTP, a plain name of a folder inside out/
 *   input:      files (string or string[]) the handler reads — over HTTP, only from the inboxes
 */
type PathField = { field: string; kind: 'output' | 'outputDir' } | { field: string; kind: 'input'; folders: 'refused' | 'allowed' | 'only' };

/** Every handler is listed, so a new handler has to say whether it takes paths. */
export const PATH_FIELDS: Record<HandlerName, readonly PathField[]> = {
  importItems: [{ field: 'files', kind: 'input', folders: 'refused' }],
  importSkills: [{ field: 'file', kind: 'input', folders: 'refused' }],
  importRoster: [{ field: 'paths', kind: 'input', folders: 'allowed' }],
  ingest: [{ field: 'paths', kind: 'input', folders: 'allowed' }],
  read: [{ field: 'paths', kind: 'input', folders: 'allowed' }],
  scan: [{ field: 'replayFolder', kind: 'input', folders: 'only' }],
  print: [{ field: 'out', kind: 'output' }, { field: 'layoutJson', kind: 'output' }, { field: 'answerKey', kind: 'output' }],
  report: [{ field: 'pdf', kind: 'output' }, { field: 'csv', kind: 'output' }, { field: 'xlsx', kind: 'output' }],
  next: [{ field: 'out', kind: 'output' }],
  reviewQueue: [{ field: 'cropsDir', kind: 'outputDir' }],
  wrongBook: [{ field: 'outDir', kind: 'outputDir' }],
  ...{ list: [], compose: [], approve: [], publish: [], resolve: [], regrade: [], integrity: [], devices: [], controlScan: [], resumeScans: [], override: [], lessonPlan: [] },
  ...{ reviewBoard: [], resolveGroup: [], undoReview: [] },
  ...{ printSetup: [], printDay: [], printLedger: [], printPreview: [], printers: [], printSet: [], printRequest: [] },
  ...{ scanDevices: [], scanCapabilities: [], startScan: [], scanDecision: [], restartScan: [], scanStatus: [], readInterrupted: [] },
  ...{ settings: [], updateSettings: [], previewThresholds: [], recoveryStatus: [], lanAccess: [], createLanToken: [], revokeLanToken: [] },
  ...{ studentsOverview: [], studentDetail: [], studentNextItems: [], studentWrongBookPdf: [] },
  // The app's import: uploads arrive as file contents, never as paths.
  ...{ importUpload: [], loadDemoSchool: [] },
  ...{ syncStatus: [], syncNow: [], sharedSets: [], composeShared: [] },
  ...{ homeSummary: [], classResults: [], fixKey: [], exportResults: [], annotatedPages: [] },
};

export type PathPolicy = { outDir: string; inboxes: readonly string[]; maxInputBytes: number };

/** The network's policy for a station: outputs under <data>/out, inputs from the configured inboxes (created if missing). */
export function networkPathPolicy(ctx: Pick<StationContext, 'dataDir' | 'settings'>): PathPolicy {
  const outDir = join(ctx.dataDir, 'out');
  const inboxes = ctx.settings.network.inboxes.map((p) => resolve(ctx.dataDir, p));
  for (const dir of [outDir, ...inboxes])
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new Error(`${dir}: cannot make this folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it is the data folder's out/ or an inbox in settings.json "network.inboxes". Fix: create it with rights for the station's user, or list another inbox.`);
    }
  return { outDir: realpathSync(outDir), inboxes: inboxes.map((p) => realpathSync(p)), maxInputBytes: Math.round(ctx.settings.network.maxInputMegabytes * 1024 * 1024) };
}

/** The input with every path field replaced by a checked absolute path, or why a path is refused. */
export function confinePaths(name: HandlerName, input: unknown, policy: PathPolicy): Result<unknown, string> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ok(input);
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const rule of PATH_FIELDS[name]) {
    const value = out[rule.field];
    if (value === undefined) continue;
    const label = `${name}.${rule.field}`;
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string')) continue; // the handler's schema refuses it
    const checked: string[] = [];
    for (const v of values) {
      const r = rule.kind === 'input' ? inboxInput(label, v, rule.folders, policy) : outputIn(label, v, rule.kind, policy);
      if (!r.ok) return r;
      checked.push(r.value);
    }
    out[rule.field] = Array.isArray(value) ? checked : checked[0];
  }
  return ok(out);
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function outputIn(label: string, name: string, kind: 'output' | 'outputDir', policy: PathPolicy): Result<string, string> {
  const what = kind === 'output' ? 'file' : 'folder';
  if (!/^[^/\\\0]{1,200}$/.test(name) || name.startsWith('.'))
    return err(`${label}: "${name}" is not a ${what} name. Over the network, outputs go into the station's out/ folder: give a plain name such as "${kind === 'output' ? 'class-7A.pdf' : 'wrong-books'}", without "/" or a leading ".".`);
  const target = join(policy.outDir, name);
  const existing = lstatOrNull(target);
  if (existing && !(kind === 'output' ? existing.isFile() : existing.isDirectory()))
    return err(`${label}: out/${name} exists and is not a plain ${what} (a link, a folder or a device). Fix: choose another name, or remove it on the station.`);
  return ok(target);
}

function inboxInput(label: string, given: string, folders: 'refused' | 'allowed' | 'only', policy: PathPolicy): Result<string, string> {
  const where = `the inbox folder${policy.inboxes.length > 1 ? 's' : ''} (${policy.inboxes.join(', ')})`;
  const fix = `Fix: put it in ${where}; settings.json "network.inboxes" lists the folders the network may read.`;
  let real: string;
  try {
    real = realpathSync(isAbsolute(given) ? given : resolve(policy.inboxes[0]!, given));
  } catch {
    return err(`${label}: "${given}" was not found in ${where}. Give a name inside an inbox. ${fix}`);
  }
  if (!policy.inboxes.some((inbox) => within(real, inbox))) return err(`${label}: "${given}" is outside ${where}. ${fix}`);
  const stat = statSync(real);
  if (stat.isDirectory()) {
    if (folders === 'refused') return err(`${label}: "${given}" is a folder; give a file.`);
    const refusal = refusedEntry(real, policy);
    return refusal ? err(`${label}: "${given}" holds ${refusal}. ${fix}`) : ok(real);
  }
  if (folders === 'only') return err(`${label}: "${given}" is not a folder; give a folder of scans.`);
  const refusal = refusedFile(real, policy);
  return refusal ? err(`${label}: "${given}" is ${refusal}.`) : ok(real);
}

/** Why a file may not be read over the network, or null. */
function refusedFile(real: string, policy: PathPolicy): string | null {
  const stat = statSync(real);
  if (!stat.isFile()) return 'not a regular file (a device, pipe or socket)';
  if (stat.size > policy.maxInputBytes)
    return `${stat.size} bytes, over the ${policy.maxInputBytes}-byte limit for files read over the network (settings.json "network.maxInputMegabytes")`;
  return null;
}

/** The first entry of a folder (one level, as the handlers read it) that may not be read over the network. */
function refusedEntry(dir: string, policy: PathPolicy): string | null {
  for (const name of readdirSync(dir)) {
    let real: string;
    try {
      real = realpathSync(join(dir, name));
    } catch {
      return `"${name}", a link to nothing`;
    }
    if (!policy.inboxes.some((inbox) => within(real, inbox))) return `"${name}", a link to outside the inboxes`;
    if (statSync(real).isDirectory()) continue;
    const refusal = refusedFile(real, policy);
    if (refusal) return `"${name}", which is ${refusal}`;
  }
  return null;
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * A stored scan's bytes, for serving: the file must be a regular file under <data>/images, reached
 * without following any link.
 */
export function readImageForServing(dataDir: string, imagePath: string, maxBytes: number): Result<Buffer, string> {
  return readForServing(resolve(dataDir, imagePath), join(dataDir, 'images'), { what: 'image', where: "the station's images folder" }, maxBytes);
}

/** A file the station wrote under <data>/out/<folder>, for serving, on the same terms as a stored scan. */
export function readOutputForServing(dataDir: string, folder: string, name: string, maxBytes: number): Result<Buffer, string> {
  return readForServing(join(dataDir, 'out', folder, name), join(dataDir, 'out', folder), { what: 'file', where: `the station's out/${folder} folder` }, maxBytes);
}

function readForServing(path: string, dir: string, label: { what: string; where: string }, maxBytes: number): Result<Buffer, string> {
  let fd: number;
  try {
    if (!within(realpathSync(dirname(path)), realpathSync(dir))) return err(`the ${label.what} is not in ${label.where}`);
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return err(`the stored ${label.what} cannot be opened (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return err(`the stored ${label.what} is not a regular file`);
    if (stat.size > maxBytes) return err(`the stored ${label.what} is too large to serve`);
    return ok(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}
