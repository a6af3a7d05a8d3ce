import type { Command } from 'commander';
import { DEFAULT_SCAN_DPI } from '../../domain/scanDpi';
import { CliFailure, station, type CliIO } from '../cliSupport';

export function registerSynthCommands(program: Command, io: CliIO): void {
  program
    .command('synth')
    .description('make a synthetic scanned stack from a printed PDF: pen marks, handwriting, skew, blur, noise, JPEG; writes truth.json')
    .requiredOption('--pdf <file>', 'the printed PDF')
    .requiredOption('--layout-json <file>', 'its layout (paperloop print --layout-json)')
    .requiredOption('--out <dir>')
    .option('--count <n>', 'page images to make (default: one per PDF page)', Number)
    .option('--seed <s>', 'same seed, same stack', '1')
    .option('--profile <p>', 'clean | typical | harsh', 'typical')
    .option('--answers <mode>', 'key | mixed | random | blank', 'mixed')
    .option('--blank-backs', 'add the unprinted back of every sheet')
    .option('--foreign <n>', 'foreign pages to slip in', Number, 0)
    .option('--dpi <n>', 'scan resolution', Number, DEFAULT_SCAN_DPI)
    .action(async (o: { pdf: string; layoutJson: string; out: string; count?: number; seed: string; profile: string; answers: string; blankBacks?: boolean; foreign: number; dpi: number }, cmd: Command) => {
      const [{ answerKeyFromItems }, { synthesizeToFolder }] = await Promise.all([import('../../synth/truth'), import('../../synth/folder')]);
      const ctx = await station(cmd);
      const r = await synthesizeToFolder({
        pdfPath: o.pdf, layoutJsonPath: o.layoutJson, outDir: o.out, seed: o.seed, profile: o.profile as 'typical', dpi: o.dpi,
        answers: o.answers as 'mixed', answerKey: answerKeyFromItems(ctx.store.currentItems()), blankBacks: !!o.blankBacks, foreignPages: o.foreign,
        ...(o.count ? { count: o.count } : {}),
        onImage: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rsynth ${done}/${total}`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (!r.ok) throw new CliFailure(r.error);
      io.out(`${r.value.images} images in ${r.value.outDir}; truth in ${r.value.truthPath}`);
    });
}
