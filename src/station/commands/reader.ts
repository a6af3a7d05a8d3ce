import type { Command } from 'commander';
import { emit, station, type CliIO } from '../cliSupport';

export function registerReaderCommand(program: Command, io: CliIO): void {
  const reader = program.command('reader').description('the handwriting reader’s adaptation to each class (kept on this station only)');
  reader
    .command('reset-adaptation')
    .description('forget the comb boxes teachers confirmed in review: the reader goes back to its shipped network')
    .option('--class <id>', 'only this class (default: every class)')
    .option('--json')
    .action(async (o: { class?: string; json?: boolean }, cmd: Command) => {
      const { resetCombAdaptation } = await import('../../store');
      const ctx = await station(cmd);
      try {
        const removed = resetCombAdaptation(ctx.db, o.class);
        emit(io, !!o.json, { removed, classId: o.class ?? null }, () => `removed ${removed} confirmed comb box${removed === 1 ? '' : 'es'}${o.class ? ` of class ${o.class}` : ''}: the reader reads with its shipped network again.`);
      } finally {
        ctx.db.close();
      }
    });
}
