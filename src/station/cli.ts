import { Command, CommanderError, Option } from 'commander';
import { CliFailure, dataDirOf, emit, invoke, station, stdio, unwrap, type CliIO } from './cliSupport';
import { registerBackupCommand } from './commands/backup';
import { registerReaderCommand } from './commands/reader';
import { registerImportCommands } from './commands/imports';
import { registerLearningCommands } from './commands/learning';
import { registerScanCommands } from './commands/scan';
import { registerSynthCommands } from './commands/synth';
import { registerSyncCommands } from './commands/sync';
import { registerWorkbookCommands } from './commands/workbooks';

function buildProgram(io: CliIO): Command {
  const program = new Command('paperloop')
    .description('PaperLoop: print personalised paper workbooks, scan them, grade them, learn from them. Fully offline.')
    .addOption(new Option('--data <dir>', 'station data folder').env('PAPERLOOP_DATA'))
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('init')
    .description('create a station data folder (settings.json, station.db, images/)')
    .option('--station-id <id>', 'page-id prefix, unique in the district (2–8 capitals/digits)')
    .action(async (opts: { stationId?: string }, cmd: Command) => {
      const { initDataDir } = await import('./context');
      const dir = await dataDirOf(cmd);
      const made = initDataDir(dir, opts.stationId);
      if (!made.ok) throw new CliFailure(made.error);
      const ctx = await station(cmd);
      io.out(`station ready at ${dir} (station id ${ctx.store.meta('station_id')}, schema v${ctx.db.pragma('user_version', { simple: true })})`);
      ctx.db.close();
    });

  program
    .command('list')
    .description('list classes, students, items or skills')
    .argument('<what>', 'classes | students | items | skills')
    .option('--class <id>', 'only this class (students)')
    .option('--subject <s>')
    .option('--grade <n>', 'only this grade', Number)
    .option('--json', 'machine-readable output')
    .action(async (what: string, opts: { class?: string; subject?: string; grade?: number; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      const rows = unwrap(
        await invoke(ctx, 'list', { what: what as 'classes', ...(opts.class ? { classId: opts.class } : {}), ...(opts.subject ? { subject: opts.subject } : {}), ...(opts.grade ? { grade: opts.grade } : {}) }),
      ) as Record<string, unknown>[];
      emit(io, !!opts.json, rows, () =>
        rows.length === 0
          ? `no ${what} yet`
          : rows.map((r) => Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('  ')).join('\n'),
      );
    });

  program
    .command('demo')
    .description('run the whole loop on the embedded demo class (what `npm start` does without a display)')
    .action(async (_o: unknown, cmd: Command) => {
      const { runDemo } = await import('./demo');
      await runDemo(await dataDirOf(cmd), io);
    });

  program
    .command('serve')
    .description('browser mode: serve the station UI and API on this machine (127.0.0.1 unless --host)')
    .option('--host <host>', 'address to listen on; anything but 127.0.0.1 needs PAPERLOOP_TOKEN', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port; default: network.port in settings.json)', Number)
    .option('--print-url', 'print PAPERLOOP_URL=<url> and PAPERLOOP_LAUNCH_URL=<one-time sign-in link> for a parent process')
    .action(async (o: { host: string; port?: number; printUrl?: boolean }, cmd: Command) => {
      const { serveBrowserMode } = await import('./shell');
      const ctx = await station(cmd, true);
      await serveBrowserMode(ctx, io, { host: o.host, port: o.port ?? ctx.settings.network.port, printUrl: !!o.printUrl });
    });

  program
    .command('start')
    .description('what `npm start` runs: the demo loop, then the station UI (Electron if installed, else browser mode when interactive)')
    .action(async (_o: unknown, cmd: Command) => {
      const [{ runDemo }, { openElectronIfPresent, serveBrowserMode }] = await Promise.all([import('./demo'), import('./shell')]);
      const dataDir = await dataDirOf(cmd);
      await runDemo(dataDir, io);
      if (openElectronIfPresent(io)) return;
      if (!process.stdout.isTTY && process.env.PAPERLOOP_SERVE !== '1') {
        io.out('\n(Not a terminal: not starting the UI. Run "npm run serve" for browser mode.)');
        return;
      }
      io.out('');
      const ctx = await station(cmd);
      await serveBrowserMode(ctx, io, { port: ctx.settings.network.port });
    });

  registerImportCommands(program, io);
  registerWorkbookCommands(program, io);
  registerScanCommands(program, io);
  registerSynthCommands(program, io);
  registerLearningCommands(program, io);
  registerBackupCommand(program, io);
  registerReaderCommand(program, io);
  registerSyncCommands(program, io);
  return program;
}

/** Runs the CLI; returns the exit code. Failures print a one-line reason (then details) on stderr. */
export async function main(argv: string[], io: CliIO = stdio): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliFailure) {
      io.err(`paperloop: ${e.message}`);
      for (const d of e.details) io.err(`  ${d.replace(/\n/g, '\n  ')}`);
      return e.exitCode;
    }
    io.err(`paperloop: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 70;
  }
}
