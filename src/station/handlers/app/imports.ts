import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ok, throwIllegalValue } from '../../../domain/result';
import { REPO_ROOT, type StationContext } from '../../context';
import { importItems, importRoster, importSkills, QtiOptions } from '../imports';
import { defineHandler, fail, type HandlerError } from '../types';

/**
 * The school's data imported from the app: files chosen in the browser arrive as base64 in the JSON body
 * (the station's HTTP body limit is 1 MB), are written under <data>/inbox/uploads/, and go through the same
 * import handlers as the CLI's. Both handlers are admin-only (../index.ts ADMIN_ONLY).
 */

/** The largest file the app sends: base64 makes it a third bigger, and the request body must stay under 1 MB. */
export const UPLOAD_MAX_BYTES = 700 * 1024;
const UPLOAD_MAX_BASE64 = Math.ceil(UPLOAD_MAX_BYTES / 3) * 4;

export const ImportKind = z.enum(['roster', 'skills', 'items']);
export type ImportKind = z.infer<typeof ImportKind>;

const UploadedFile = z.object({
  // A plain name: OneRoster files are known by theirs (users.csv …), and it names the file in error messages.
  fileName: z.string().regex(/^[^/\\\0]{1,120}$/, 'a plain file name').refine((n) => !n.startsWith('.'), 'a file name that does not start with "."'),
  base64: z.string().max(UPLOAD_MAX_BASE64, `at most ${UPLOAD_MAX_BYTES / 1024} KB per file`),
});

/** What an import added, in the counts the app shows (every one optional: each kind reports its own). */
export type ImportCounts = { added?: number; updated?: number; unchanged?: number; skills?: number; classes?: number; students?: number; enrollments?: number };
export type ImportDone = { kind: ImportKind; files: string[]; counts: ImportCounts; warnings: string[] };

/** The uploads written into a folder of their own, so OneRoster's users.csv, classes.csv … stay together under their names. */
function writeUploads(ctx: StationContext, files: readonly z.infer<typeof UploadedFile>[]): string[] {
  const dir = join(ctx.dataDir, 'inbox', 'uploads', `${ctx.clock().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const path = join(dir, f.fileName);
    writeFileSync(path, Buffer.from(f.base64, 'base64'));
    return path;
  });
}

/** The import's messages name the file as the teacher chose it, not where the station keeps the copy. */
function withChosenNames(error: HandlerError, paths: readonly string[], names: readonly string[]): HandlerError {
  const rename = (text: string) => paths.reduce((t, p, i) => t.split(p).join(names[i]!), text);
  return { ...error, message: rename(error.message), ...(error.details ? { details: error.details.map(rename) } : {}) };
}

const importUpload = defineHandler(
  z.object({ kind: ImportKind, files: z.array(UploadedFile).min(1).max(12), qti: QtiOptions.optional() }),
  async (ctx, input) => {
    const names = input.files.map((f) => f.fileName);
    const paths = writeUploads(ctx, input.files);
    const done = await runImport(ctx, input.kind, paths, input.qti);
    if (!done.ok) return { ok: false as const, error: withChosenNames(done.error, paths, names) };
    ctx.events.emit({ type: 'school_imported', kind: input.kind });
    return ok({ kind: input.kind, files: names, counts: done.value.counts, warnings: done.value.warnings } satisfies ImportDone);
  },
);

type Imported = { ok: true; value: { counts: ImportCounts; warnings: string[] } } | { ok: false; error: HandlerError };

async function runImport(ctx: StationContext, kind: ImportKind, paths: string[], qti: z.input<typeof QtiOptions> | undefined): Promise<Imported> {
  switch (kind) {
    case 'roster': {
      const r = await importRoster.run(ctx, importRoster.input.parse({ paths }));
      return r.ok ? ok({ counts: { classes: r.value.classes, students: r.value.students, enrollments: r.value.enrollments }, warnings: [] }) : r;
    }
    case 'skills': {
      let skills = 0;
      for (const file of paths) {
        const r = await importSkills.run(ctx, { file });
        if (!r.ok) return r;
        skills += r.value.skills;
      }
      return ok({ counts: { skills }, warnings: [] });
    }
    case 'items': {
      const r = await importItems.run(ctx, importItems.input.parse({ files: paths, ...(qti ? { qti } : {}) }));
      return r.ok ? ok({ counts: { added: r.value.added, updated: r.value.newVersions, unchanged: r.value.unchanged }, warnings: r.value.warnings }) : r;
    }
    default:
      return throwIllegalValue(kind, 'import kind');
  }
}

const DEMO = join(REPO_ROOT, 'fixtures', 'demo');
/** The demo school as `paperloop demo` imports it first (src/station/demo.ts): skills before the items that use them, then the roster. */
const DEMO_FILES: { kind: ImportKind; files: string[] }[] = [
  { kind: 'skills', files: ['skills-math-g7.json', 'skills-math-g4.json'] },
  { kind: 'items', files: ['items-math-g7.json', 'items-math-g4.json'] },
  { kind: 'roster', files: ['roster-classes.csv'] },
];

/** Loads the demo school on a station that has no classes yet (a station with a school of its own is left alone). */
const loadDemoSchool = defineHandler(z.object({}), async (ctx) => {
  if (ctx.store.classes().length > 0)
    return fail('has_classes', 'this station already has classes, so the demo school is not loaded over them. Fix: use a new data folder to try the demo.');
  const done: ImportDone[] = [];
  for (const step of DEMO_FILES) {
    const r = await runImport(ctx, step.kind, step.files.map((f) => join(DEMO, f)), undefined);
    if (!r.ok) return r;
    done.push({ kind: step.kind, files: step.files, ...r.value });
  }
  ctx.events.emit({ type: 'school_imported', kind: 'demo' });
  return ok({ imports: done });
});

/** Handlers the teacher's app needs to import the school's data (registered in ../index.ts). */
export const importHandlers = { importUpload, loadDemoSchool } as const;
