import type { Command } from 'commander';
import { join } from 'node:path';
import { CliFailure, emit, station, type CliIO } from '../cliSupport';

export function registerBackupCommand(program: Command, io: CliIO): void {
  program
    .command('backup')
    .description('copy the station database to FILE while the station runs (SQLite online backup, checked with quick_check)')
    .requiredOption('--to <file>', 'the copy to write, best on another drive (replaced if it exists)')
    .option('--json')
    .action(async (o: { to: string; json?: boolean }, cmd: Command) => {
      const { backupDatabase, describeBackupError } = await import('../../store');
      const ctx = await station(cmd);
      try {
        const copied = await backupDatabase(ctx.db, o.to);
        if (!copied.ok) throw new CliFailure(describeBackupError(copied.error));
        const v = copied.value;
        emit(io, !!o.json, { ...v, images: join(ctx.dataDir, 'images') }, () =>
          `backed up the station database to ${v.path} (${(v.bytes / 1024).toFixed(0)} KB, schema v${v.schemaVersion}, checked).\n` +
          `  Scanned images are separate files: copy ${join(ctx.dataDir, 'images')} too (see docs/backup.md).`,
        );
      } finally {
        ctx.db.close();
      }
    });
}
