/**
 * A SANE batch: one `scanimage --batch` process writing numbered files into
 * a private temporary folder. Each page is handed on as soon as it is
 * complete: scanimage announces it (`--batch-print`, after it renames
 * `pNNNN.ext.part` to its final name), a later page has started, or the
 * process has exited. The exit status and stderr become the batch's end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createBatch, PullQueue, sheetsFromPages, batchEnded, type SheetProducer } from '../batchCore';
import type { ResolvedBatchOptions } from '../batchOptions';
import { err, feedingPaused, ok, scanError, type Batch, type MediaType, type Result, type ScanError, type ScannedImage } from '../contract';
import { parsePnmHeader } from '../imageFormat';
import { findOption, type SaneOption } from './parseSane';
import { saneErrorFromOutput } from './saneErrors';
import { saneEnv, type SaneGrayFormat, type SaneColorFormat, type SaneSettings } from './saneSettings';

type OutputFormat = SaneGrayFormat | SaneColorFormat;

const EXTENSION: Record<OutputFormat, string> = { pnm: 'pnm', png: 'png', tiff: 'tif' };
const MEDIA_TYPE: Record<OutputFormat, MediaType> = {
  pnm: 'image/x-portable-graymap',
  png: 'image/png',
  tiff: 'image/tiff',
};
const FILE_PREFIX = 'p';
const PART_SUFFIX = '.part';
const FILE_NUMBER_DIGITS = 4;
const STOPPED_BY_SIGNAL = /received signal (2|15)\b/;

export interface SaneBatchPlan {
  readonly deviceName: string;
  readonly options: readonly SaneOption[];
  readonly resolved: ResolvedBatchOptions;
}

export function outputFormatFor(plan: SaneBatchPlan, settings: SaneSettings): OutputFormat {
  return plan.resolved.mode.mode === 'gray' ? settings.format.gray : settings.format.color;
}

/** The scanimage command line for a batch writing into `dir` (pure, so it can be tested). */
export function saneBatchArgs(plan: SaneBatchPlan, settings: SaneSettings, dir: string): string[] {
  const format = outputFormatFor(plan, settings);
  const { source, mode, dpi, pageSizeMm } = plan.resolved;
  const has = (name: string): boolean => findOption(plan.options, name) !== undefined;
  const args = ['-d', plan.deviceName];
  if (has('--source') && source.vendorName !== '') args.push('--source', source.vendorName);
  if (has('--mode')) args.push('--mode', mode.vendorName);
  args.push('--resolution', String(dpi));
  // sheet-fed backends (fujitsu, canon_dr…) size the feeder path separately from the scan area
  if (source.source !== 'flatbed' && has('--page-width') && has('--page-height')) {
    args.push('--page-width', String(pageSizeMm.width), '--page-height', String(pageSizeMm.height));
  }
  if (has('-x') && has('-y')) args.push('-x', String(pageSizeMm.width), '-y', String(pageSizeMm.height));
  args.push(
    `--format=${format}`,
    `--batch=${join(dir, `${FILE_PREFIX}%0${FILE_NUMBER_DIGITS}d.${EXTENSION[format]}`)}`,
    '--batch-start=1',
    '--batch-print',
  );
  if (source.source === 'flatbed') args.push('--batch-count=1');
  args.push(...settings.extraArgs);
  return args;
}

interface BatchFile {
  readonly name: string;
  readonly number: number;
  readonly partial: boolean;
}

/** The batch files in a folder listing, in page order. */
export function batchFilesIn(names: readonly string[], format: OutputFormat): BatchFile[] {
  const pattern = new RegExp(`^${FILE_PREFIX}(\\d+)\\.${EXTENSION[format]}(${PART_SUFFIX.replace('.', '\\.')})?$`);
  return names
    .flatMap((name) => {
      const match = pattern.exec(name);
      return match === null ? [] : [{ name, number: Number(match[1]), partial: match[2] !== undefined }];
    })
    .sort((a, b) => a.number - b.number || Number(a.partial) - Number(b.partial));
}

/**
 * Which finished files may be taken now: a file is complete when scanimage
 * announced it, when a later page exists, or when the process has exited.
 */
export function completeFiles(
  files: readonly BatchFile[],
  announced: ReadonlySet<string>,
  exited: boolean,
  after: number,
): BatchFile[] {
  const highest = files.reduce((max, f) => Math.max(max, f.number), 0);
  const ready: BatchFile[] = [];
  for (const file of files.filter((f) => !f.partial && f.number > after)) {
    const complete = announced.has(file.name) || exited || file.number < highest;
    if (!complete) break; // keep page order
    ready.push(file);
  }
  return ready;
}

function imageLooksComplete(bytes: Uint8Array, format: OutputFormat): boolean {
  if (format !== 'pnm') return bytes.length > 0;
  const header = parsePnmHeader(bytes);
  return header !== undefined && bytes.length >= header.dataOffset + header.dataLength;
}

export async function startSaneBatch(plan: SaneBatchPlan, settings: SaneSettings): Promise<Result<Batch, ScanError>> {
  let dir: string;
  try {
    dir = await mkdtemp(join(settings.workDir ?? tmpdir(), 'paperloop-sane-'));
  } catch (cause) {
    return err(scanError('DeviceError', 'Cannot create a folder for the batch', String(cause)));
  }
  const format = outputFormatFor(plan, settings);
  const args = saneBatchArgs(plan, settings, dir);
  const child = spawn(settings.scanimagePath, args, { env: saneEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  const producer = new SaneBatchProducer(child, dir, format, plan, settings);
  return ok(createBatch(producer));
}

class SaneBatchProducer implements SheetProducer {
  private readonly pages = new PullQueue<ScannedImage>();
  private readonly announced = new Set<string>();
  private readonly nextSheetFn: SheetProducer['nextSheet'];
  private readonly poll: NodeJS.Timeout;
  private readonly exitedPromise: Promise<void>;
  private stderr = '';
  private stdoutRest = '';
  private lastTaken = 0;
  private exited = false;
  private paused = false;
  private closed = false;
  private spawnError: string | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly format: OutputFormat,
    private readonly plan: SaneBatchPlan,
    private readonly settings: SaneSettings,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    child.on('error', (error) => (this.spawnError = error.message));
    this.exitedPromise = new Promise((resolve) => {
      child.on('close', (code) => {
        this.exited = true;
        clearInterval(this.poll);
        void this.finish(code).then(resolve);
      });
    });
    this.poll = setInterval(() => void this.sweep(), settings.pollIntervalMs);
    const duplex = plan.resolved.source.source === 'duplex';
    this.nextSheetFn = sheetsFromPages(
      () =>
        this.pages.take(this.settings.pageTimeoutMs, () => {
          this.stop();
          return scanError('DeviceError', `No page from ${plan.deviceName} within ${this.settings.pageTimeoutMs} ms`);
        }),
      duplex,
    );
  }

  nextSheet() {
    return this.nextSheetFn();
  }

  async pause(): Promise<void> {
    if (this.exited) return;
    this.paused = true;
    this.stop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pages.abort(batchEnded());
    this.stop();
    await this.exitedPromise;
  }

  private onStdout(chunk: string): void {
    const text = this.stdoutRest + chunk;
    const lines = text.split('\n');
    this.stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      const name = basename(line.trim());
      if (name !== '') this.announced.add(name);
    }
    void this.sweep();
  }

  /** SIGINT makes scanimage cancel the scan and exit; SIGKILL if it does not. */
  private stop(): void {
    if (this.exited) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, this.settings.stopGraceMs);
    timer.unref();
  }

  private sweep(): Promise<void> {
    this.sweeping = this.sweeping.then(() => this.takeCompleteFiles());
    return this.sweeping;
  }

  private async takeCompleteFiles(): Promise<void> {
    if (this.closed) return;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const exited = this.exited;
    for (const file of completeFiles(batchFilesIn(names, this.format), this.announced, exited, this.lastTaken)) {
      const path = join(this.dir, file.name);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch {
        return;
      }
      if (!imageLooksComplete(bytes, this.format)) {
        if (!exited) return; // try again on the next sweep
        this.pages.end(scanError('DeviceError', `Page ${file.number} from ${this.plan.deviceName} is truncated`));
        return;
      }
      this.lastTaken = file.number;
      this.pages.push({
        bytes,
        mediaType: MEDIA_TYPE[this.format],
        dpi: this.plan.resolved.dpi,
        sourceName: this.plan.resolved.source.vendorName,
      });
      await rm(path, { force: true });
    }
  }

  private async finish(exitCode: number | null): Promise<void> {
    await this.sweep();
    if (this.spawnError !== undefined) {
      this.pages.end(scanError('DeviceError', `Cannot run ${this.settings.scanimagePath}`, this.spawnError));
    } else if (this.paused || STOPPED_BY_SIGNAL.test(this.stderr)) {
      // Ctrl+C in a terminal reaches scanimage too: a stop, not a failure
      this.pages.end(feedingPaused());
    } else {
      this.pages.end(saneErrorFromOutput(this.stderr, exitCode) ?? scanError('FeederEmpty', 'The feeder is empty'));
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
