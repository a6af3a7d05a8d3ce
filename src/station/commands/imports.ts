import type { Command } from 'commander';
import { emit, invoke, station, unwrap, type CliIO } from '../cliSupport';

export function registerImportCommands(program: Command, io: CliIO): void {
  const imp = program.command('import').description('import items, skills or a roster (all or nothing; errors name file, line and fix)');
  imp
    .command('items')
    .argument('<files...>', 'paperloop.items/1 JSON, items CSV, QTI XML files, QTI content packages (.zip) or folders of QTI items')
    .option('--subject <s>', 'QTI only (files, packages, folders): subject')
    .option('--grade <n>', 'QTI only: grade', Number)
    .option('--skills <ids>', 'QTI only: comma-separated skill ids')
    .option('--tier <t>', 'QTI only: basic | core | stretch')
    .option('--minutes <n>', 'QTI only: estimated minutes', Number)
    .option('--language <code>', 'QTI only: language of the texts when the file has no xml:lang')
    .option('--json')
    .action(async (files: string[], o: { subject?: string; grade?: number; skills?: string; tier?: string; minutes?: number; language?: string; json?: boolean }, cmd: Command) => {
      const qti = o.subject && o.grade && o.skills
        ? { qti: { subject: o.subject, grade: o.grade, skills: o.skills.split(','), ...(o.tier ? { tier: o.tier as 'core' } : {}), ...(o.minutes ? { minutes: o.minutes } : {}), ...(o.language ? { language: o.language } : {}) } }
        : {};
      const r = unwrap(await invoke(await station(cmd), 'importItems', { files, ...qti }));
      emit(io, !!o.json, r, () => [`items: ${r.added} added, ${r.newVersions} new versions, ${r.unchanged} unchanged (${r.files} file(s))`, ...r.warnings.map((w) => `warning: ${w}`)].join('\n'));
    });
  imp
    .command('skills')
    .argument('<file>', 'paperloop.skills/1 JSON or skills CSV')
    .option('--json')
    .action(async (file: string, o: { json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'importSkills', { file }));
      emit(io, !!o.json, r, () => `skills: ${r.skills} imported`);
    });
  imp
    .command('roster')
    .argument('<paths...>', 'roster CSV files, or a OneRoster CSV folder / its users.csv, classes.csv, enrollments.csv')
    .option('--language <code>', 'OneRoster only: print language for the students (default en)')
    .option('--json')
    .action(async (paths: string[], o: { language?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'importRoster', { paths, ...(o.language ? { language: o.language } : {}) }));
      emit(io, !!o.json, r, () => `roster: ${r.classes} classes, ${r.students} students, ${r.enrollments} new enrollments`);
    });
}
