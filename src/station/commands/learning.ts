import type { Command } from 'commander';
import { emit, invoke, station, unwrap, type CliIO } from '../cliSupport';

export function registerLearningCommands(program: Command, io: CliIO): void {
  program
    .command('report')
    .description('class item analysis: correct rates, common wrong answers, discrimination, mastery heatmap, who needs help')
    .requiredOption('--class <id>')
    .option('--date <YYYY-MM-DD>', 'only that day’s workbooks (default: everything so far)')
    .option('--pdf <file>', 'a printable report with charts')
    .option('--csv <file>', 'the item table as CSV')
    .option('--xlsx <file>', 'items, students, mastery and help lists as an Excel workbook')
    .option('--json')
    .action(async (o: { class: string; date?: string; pdf?: string; csv?: string; xlsx?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'report', { classId: o.class, ...(o.date ? { date: o.date } : {}), ...(o.pdf ? { pdf: o.pdf } : {}), ...(o.csv ? { csv: o.csv } : {}), ...(o.xlsx ? { xlsx: o.xlsx } : {}) }));
      emit(io, !!o.json, r, () =>
        [
          `${r.classId}: ${r.responses} graded answers, ${r.items.length} items`,
          'hardest items:',
          ...[...r.items].sort((a, b) => a.correctRate - b.correctRate).slice(0, 5).map((i) => `  ${i.itemId}: ${Math.round(i.correctRate * 100)}% correct${i.misconception ? `, common wrong answer ${i.misconception.answer} (${i.misconception.count}×)` : ''}`),
          `students who need help: ${r.needingHelp.map((h) => h.studentId).join(', ') || 'none'}`,
          ...Object.entries(r.files).map(([k, v]) => `${k}: ${v}`),
        ].join('\n'),
      );
    });

  program
    .command('next')
    .description("compose, approve and print tomorrow's personal workbooks from the results so far (within the day's cap)")
    .requiredOption('--class <id>')
    .requiredOption('--date <YYYY-MM-DD>')
    .option('--subject <s>', 'subject', 'math')
    .option('--unit <skills>', 'comma-separated skill ids of the current unit (default: every skill of the grade)')
    .option('--out <file.pdf>', 'print the workbooks to this PDF')
    .option('--json')
    .action(async (o: { class: string; date: string; subject: string; unit?: string; out?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'next', { classId: o.class, date: o.date, subject: o.subject, ...(o.unit ? { unitSkills: o.unit.split(',') } : {}), ...(o.out ? { out: o.out } : {}) }));
      emit(io, !!o.json, r, () =>
        [
          `approved ${r.setId}: ${r.students} students, ${r.minutes.min}–${r.minutes.max} min each`,
          `why the items were chosen: ${Object.entries(r.reasons).map(([k, n]) => `${k} ×${n}`).join(', ')}`,
          r.lesson ? `class lesson: ${r.lesson.skills.join(', ')} (school day ${r.lesson.schoolDay + 1} of the plan)` : 'class lesson: none (no lesson plan for this day; see paperloop lesson-plan)',
          gateLine(r.gate),
          r.pdf ? `printed: ${r.pdf}` : 'print with: paperloop print --set ' + r.setId + ' --out FILE.pdf',
        ].join('\n'),
      );
    });

  program
    .command('lesson-plan')
    .description("a class's lesson plan: the unit's skills in teaching order, the day it starts and the school days per skill; tomorrow's workbooks give each student the day's lesson first")
    .requiredOption('--class <id>')
    .option('--subject <s>', 'subject', 'math')
    .option('--skills <ids>', 'comma-separated skill ids in teaching order (default: every skill of the grade, prerequisites first)')
    .option('--start <YYYY-MM-DD>', 'the school day the unit starts')
    .option('--days-per-skill <n>', 'school days (Monday to Friday) each skill is taught (default 1)', Number)
    .option('--clear', 'remove the plan (no class lesson any more)')
    .option('--date <YYYY-MM-DD>', "show this day's lesson (default: today)")
    .option('--json')
    .action(async (o: { class: string; subject: string; skills?: string; start?: string; daysPerSkill?: number; clear?: boolean; date?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(
        await invoke(await station(cmd), 'lessonPlan', {
          classId: o.class, subject: o.subject, clear: !!o.clear, ...(o.skills ? { skills: o.skills.split(',') } : {}), ...(o.start ? { startDate: o.start } : {}),
          ...(o.daysPerSkill !== undefined ? { daysPerSkill: o.daysPerSkill } : {}), ...(o.date ? { date: o.date } : {}),
        }),
      );
      emit(io, !!o.json, r, () =>
        [
          r.plan ? `${o.class} ${r.plan.subject}: ${r.plan.skills.join(' → ')}, from ${r.plan.startDate}, ${r.plan.daysPerSkill} school day(s) per skill (set by ${r.plan.teacher}, ${r.plan.at})` : `${o.class}: no lesson plan`,
          r.lesson ? `lesson on ${r.date}: ${r.lesson.skills.join(', ')}` : `lesson on ${r.date}: none`,
          gateLine(r.gate),
        ].join('\n'),
      );
    });

  program
    .command('override')
    .description("the teacher's say over tomorrow's selection (kept with who and when)")
    .requiredOption('--class <id>')
    .option('--student <id>', 'only this student (default: the whole class)')
    .option('--pin <item>', 'always include this item')
    .option('--exclude <item>', 'never include this item')
    .option('--tier <t>', "set the student's tier: basic | core | stretch")
    .option('--clear', "remove this class's (or student's) overrides")
    .option('--json')
    .action(async (o: { class: string; student?: string; pin?: string; exclude?: string; tier?: string; clear?: boolean; json?: boolean }, cmd: Command) => {
      const r = unwrap(
        await invoke(await station(cmd), 'override', {
          classId: o.class, clear: !!o.clear, ...(o.student ? { studentId: o.student } : {}), ...(o.pin ? { pin: o.pin } : {}), ...(o.exclude ? { exclude: o.exclude } : {}), ...(o.tier ? { tier: o.tier as 'core' } : {}),
        }),
      );
      emit(io, !!o.json, r, () => (r.overrides.length ? r.overrides.map((x) => `${x.kind} ${x.value}${x.studentId ? ` for ${x.studentId}` : ' for everyone'} (by ${x.teacher}, ${x.at})`).join('\n') : 'no overrides'));
    });

  program
    .command('wrong-book')
    .description('wrong-question books (错题本) by knowledge point: one scannable PDF per student')
    .requiredOption('--class <id>')
    .option('--student <id>')
    .option('--out <dir>', 'write the PDFs here')
    .option('--include-corrected', 'also items the student later got right')
    .option('--json', 'the cumulative view as JSON')
    .action(async (o: { class: string; student?: string; out?: string; includeCorrected?: boolean; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'wrongBook', { classId: o.class, includeCorrected: !!o.includeCorrected, ...(o.student ? { studentId: o.student } : {}), ...(o.out ? { outDir: o.out } : {}) }));
      emit(io, !!o.json, r, () => [...r.books.map((b) => `${b.studentId}: ${b.open} open mistakes in ${Object.keys(b.bySkill).length} knowledge points (${b.cumulativeWrong} wrong answers so far)`), ...(r.files.length ? [`${r.files.length} PDFs in ${o.out}`] : [])].join('\n'));
    });
}

/** The prerequisite gate check's verdict and the numbers behind it, in one line. */
function gateLine(g: { kind: string; gap: number; readyAnswers: number; notReadyAnswers: number; minAnswers: number; holdsBelowGap: number }): string {
  const counts = `${g.readyAnswers} ready and ${g.notReadyAnswers} not-ready answers`;
  if (g.kind === 'undecided') return `prerequisite gate: undecided (${counts}; ${g.minAnswers} of each needed), lessons not held back`;
  const verb = g.kind === 'holds' ? 'holds' : 'does not hold';
  return `prerequisite gate: ${verb} (not-ready minus ready residual ${g.gap.toFixed(3)}, holds below ${g.holdsBelowGap}; ${counts}), lessons ${g.kind === 'holds' ? 'wait for their prerequisites' : 'not held back'}`;
}
