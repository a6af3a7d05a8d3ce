import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { Tier, type ItemInput } from '../../domain/item';
import { decodeImportFile } from '../../domain/import/decode';
import { formatIssue, type ImportIssue } from '../../domain/import/issues';
import { parseItemsCsv } from '../../domain/import/itemsCsv';
import { parseItemsJson } from '../../domain/import/itemsJson';
import { parseOneRoster } from '../../domain/import/oneRoster';
import { parseQtiItem } from '../../domain/import/qti';
import { readQtiSource } from './qtiSource';
import { parseRosterCsv } from '../../domain/import/rosterCsv';
import { parseSkillsCsv } from '../../domain/import/skillsCsv';
import { parseSkillsJson } from '../../domain/import/skillsJson';
import { err, ok, type Result } from '../../domain/result';
import type { Roster } from '../../domain/roster';
import { defineHandler, fail } from './types';

/** A file's text, decoded strictly (UTF-8, UTF-16 with a byte order mark, or unambiguous GB18030). */
function readText(path: string): Result<string, ImportIssue[]> {
  try {
    const decoded = decodeImportFile(readFileSync(path), path);
    return decoded.ok ? ok(decoded.value.text) : decoded;
  } catch (e) {
    return err([{ file: path, message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, fix: 'check the path and that the file is readable' }]);
  }
}

const issuesFailure = (what: string, issues: ImportIssue[]) =>
  fail('invalid_import', `${what}: ${issues.length} problem(s), nothing was imported. First: ${formatIssue(issues[0]!)}`, issues.map(formatIssue));

export const QtiOptions = z.object({
  subject: z.string(),
  grade: z.number().int(),
  skills: z.array(z.string()).min(1),
  tier: Tier.default('core'),
  minutes: z.number().positive().default(1.5),
  language: z.string().default('en'),
});

/** Imports item files (JSON, CSV, QTI XML) all or nothing: every file is parsed first, then one transaction writes. */
export const importItems = defineHandler(z.object({ files: z.array(z.string()).min(1), qti: QtiOptions.optional() }), async (ctx, input) => {
  const items: ItemInput[] = [];
  const issues: ImportIssue[] = [];
  for (const file of input.files) {
    const packaged = await readQtiSource(file, input.qti);
    if (packaged) {
      if (packaged.ok) items.push(...packaged.value.items);
      else issues.push(...packaged.error);
      continue;
    }
    const text = readText(file);
    if (!text.ok) {
      issues.push(...text.error);
      continue;
    }
    const ext = extname(file).toLowerCase();
    if (ext === '.xml') {
      if (!input.qti) {
        issues.push({ file, message: 'QTI items carry no subject, grade or skills', fix: 'pass --subject, --grade and --skills (and optionally --tier, --minutes) with a QTI import' });
        continue;
      }
      const r = parseQtiItem(text.value, file, input.qti);
      if (r.ok) items.push(r.value.item);
      else issues.push(...r.error);
      continue;
    }
    const r = ext === '.csv' ? parseItemsCsv(text.value, file) : ext === '.json' ? parseItemsJson(text.value, file) : null;
    if (!r) issues.push({ file, message: `unknown item file type "${ext}"`, fix: 'use .json (paperloop.items/1), .csv or QTI .xml; see docs/formats.md' });
    else if (r.ok) items.push(...r.value);
    else issues.push(...r.error);
  }
  const seen = new Map<string, string>();
  for (const [i, item] of items.entries()) {
    const other = seen.get(item.id);
    if (other !== undefined) issues.push({ file: input.files.join(', '), field: 'id', message: `item id "${item.id}" appears twice (item ${i + 1})`, fix: 'give every item a unique id' });
    seen.set(item.id, item.id);
  }
  if (issues.length) return issuesFailure('import items', issues);
  const known = new Set(ctx.store.skills().map((s) => s.id));
  const unknownSkills = [...new Set(items.flatMap((i) => i.skills).filter((s) => !known.has(s)))];
  const summary = ctx.store.importItems(items);
  ctx.store.audit(ctx.actor, 'import_items', { files: input.files.map((f) => basename(f)), ...summary }, ctx.clock().toISOString());
  return ok({ ...summary, files: input.files.length, warnings: unknownSkills.length ? [`items use skills not in the knowledge graph yet: ${unknownSkills.join(', ')} (import the skills file to use them in workbooks)`] : [] });
});

export const importSkills = defineHandler(z.object({ file: z.string() }), async (ctx, { file }) => {
  const text = readText(file);
  if (!text.ok) return issuesFailure('import skills', text.error);
  const known = new Set(ctx.store.skills().map((s) => s.id));
  const r = extname(file).toLowerCase() === '.csv' ? parseSkillsCsv(text.value, file, known) : parseSkillsJson(text.value, file, known);
  if (!r.ok) return issuesFailure('import skills', r.error);
  const summary = ctx.store.importSkills(r.value);
  return ok({ skills: summary.upserted });
});

const ONE_ROSTER_FILES = ['users.csv', 'classes.csv', 'enrollments.csv', 'courses.csv', 'orgs.csv', 'manifest.csv', 'academicSessions.csv', 'demographics.csv'];

/** Imports a roster: our roster CSV, or a OneRoster CSV folder (or its users/classes/enrollments files). */
export const importRoster = defineHandler(z.object({ paths: z.array(z.string()).min(1), language: z.string().optional() }), async (ctx, input) => {
  const oneRosterFiles: Record<string, string> = {};
  const rosters: Roster[] = [];
  const issues: ImportIssue[] = [];
  for (const path of input.paths) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) if (ONE_ROSTER_FILES.includes(name)) {
        const t = readText(join(path, name));
        if (t.ok) oneRosterFiles[name] = t.value;
        else issues.push(...t.error);
      }
      continue;
    }
    const t = readText(path);
    if (!t.ok) {
      issues.push(...t.error);
      continue;
    }
    if (ONE_ROSTER_FILES.includes(basename(path))) oneRosterFiles[basename(path)] = t.value;
    else {
      const r = parseRosterCsv(t.value, path);
      if (r.ok) rosters.push(r.value);
      else issues.push(...r.error);
    }
  }
  let dropped: unknown = undefined;
  if (Object.keys(oneRosterFiles).length) {
    const r = parseOneRoster(oneRosterFiles, input.language ? { language: input.language } : {});
    if (r.ok) {
      rosters.push(r.value.roster);
      dropped = r.value.summary;
    } else issues.push(...r.error);
  }
  if (issues.length) return issuesFailure('import roster', issues);
  const merged: Roster = { classes: rosters.flatMap((r) => r.classes), students: rosters.flatMap((r) => r.students), enrollments: rosters.flatMap((r) => r.enrollments) };
  const summary = ctx.store.importRoster(merged);
  return ok({ ...summary, ...(dropped ? { oneRoster: dropped } : {}) });
});
