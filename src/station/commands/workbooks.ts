import type { Command } from 'commander';
import { emit, invoke, station, unwrap, type CliIO } from '../cliSupport';

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function registerWorkbookCommands(program: Command, io: CliIO): void {
  program
    .command('compose')
    .description("compose a class's workbooks for a date (checked against the daily homework cap across subjects)")
    .requiredOption('--class <id>')
    .requiredOption('--subject <s>')
    .requiredOption('--date <YYYY-MM-DD>')
    .requiredOption('--minutes <n>', 'target minutes per student', Number)
    .option('--skills <ids>', 'comma-separated skill ids (default: all skills of the grade)', list)
    .option('--tier <t>', 'basic | core | stretch | auto (from mastery)', 'core')
    .option('--seed <s>', 'same seed, same workbooks', 'paperloop')
    .option('--replace <setId>', 'compose a replacement for an approved set')
    .option('--json')
    .action(async (o: { class: string; subject: string; date: string; minutes: number; skills?: string[]; tier: string; seed: string; replace?: string; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      const r = unwrap(await invoke(ctx, 'compose', { classId: o.class, subject: o.subject, date: o.date, minutes: o.minutes, skills: o.skills ?? [], tier: o.tier as 'core', seed: o.seed, ...(o.replace ? { replaces: o.replace } : {}) }));
      emit(io, !!o.json, r, () => `composed draft set ${r.setId}: ${r.students} students, ${r.minutes.min}–${r.minutes.max} min each.\nnext: paperloop approve --set ${r.setId}`);
    });

  program
    .command('approve')
    .description('approve (and lock) a composed set')
    .requiredOption('--set <id>')
    .option('--json')
    .action(async (o: { set: string; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      // The self-test reads back each new page layout: say how far it is, every tenth layout.
      ctx.events.subscribe((e) => e.type === 'self_test' && typeof e.done === 'number' && (e.done % 10 === 0 || e.done === e.total) && e.total !== 0 && io.err(`self-test: ${e.done}/${e.total} new page layouts read back`));
      const r = unwrap(await invoke(ctx, 'approve', { setId: o.set }));
      emit(io, !!o.json, r, () => `approved ${r.setId} (self-test: ${r.selfTest.tested} new of ${r.selfTest.layouts} page layouts read back exactly); it is now locked.\nnext: paperloop print --set ${r.setId} --out workbooks.pdf`);
    });

  program
    .command('publish')
    .description("the day's homework list for a class (作业公示): subject, minutes, tiers")
    .requiredOption('--class <id>')
    .requiredOption('--date <YYYY-MM-DD>')
    .option('--json')
    .action(async (o: { class: string; date: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'publish', { classId: o.class, date: o.date }));
      emit(io, !!o.json, r, () =>
        [
          `作业公示 / Homework list — ${r.className}, ${r.date} (cap ${r.capMinutes} min; busiest student ${r.maxStudentMinutes} min)`,
          ...(r.subjects.length ? r.subjects.map((s) => `  ${s.subject}: ${s.minutesMin === s.minutesMax ? s.minutesMin : `${s.minutesMin}–${s.minutesMax}`} min · tiers ${Object.entries(s.tiers).map(([t, n]) => `${t}×${n}`).join(', ')}`) : ['  (no approved homework)']),
        ].join('\n'),
      );
    });

  program
    .command('print')
    .description('print an approved set as one PDF (stores every PrintedPage)')
    .requiredOption('--set <id>')
    .requiredOption('--out <file.pdf>')
    .option('--student <id>', "reprint one student's workbook")
    .option('--layout-json <file>', 'also write every PrintedPage as JSON')
    .option('--answer-key <file.pdf>', "also write the teacher's answer key")
    .option('--style <name>', 'page style from templates/styles (a4, letter, a4-large-print)')
    .option('--json')
    .action(async (o: { set: string; out: string; student?: string; layoutJson?: string; answerKey?: string; style?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(
        await invoke(await station(cmd), 'print', {
          setId: o.set, out: o.out,
          ...(o.student ? { studentId: o.student } : {}), ...(o.layoutJson ? { layoutJson: o.layoutJson } : {}),
          ...(o.answerKey ? { answerKey: o.answerKey } : {}), ...(o.style ? { style: o.style } : {}),
        }),
      );
      emit(io, !!o.json, r, () => `printed job ${r.jobId}: ${r.pages} pages for ${r.students} students → ${r.pdf} (${Math.round(r.bytes / 1024)} KiB)`);
    });
}
