/** Maps scanimage's stderr and exit status to typed scan errors. */
import { scanError, type ScanError, type ScanErrorKind } from '../contract';

/** SANE status strings (sane_strstatus) and scanimage's own complaints, in the order they are tried. */
const STATUS_MESSAGES: ReadonlyArray<readonly [RegExp, ScanErrorKind]> = [
  [/Document feeder out of documents/i, 'FeederEmpty'],
  [/Document feeder jammed/i, 'Jammed'],
  [/Scanner cover is open/i, 'CoverOpen'],
  [/Device busy/i, 'Busy'],
  [/no SANE devices found/i, 'Disconnected'],
  [/Access to resource has been denied/i, 'DeviceError'],
  [/Error during device I\/O/i, 'DeviceError'],
  [/Out of memory/i, 'DeviceError'],
  [/Operation was cancell?ed/i, 'DeviceError'],
  [/Operation not supported/i, 'Unsupported'],
  [/unrecognized option|invalid option|setting of option .* failed|Invalid argument/i, 'Unsupported'],
];

/** What the teacher reads; scanimage's own line goes into `detail`. */
const PLAIN_MESSAGES: Partial<Record<ScanErrorKind, string>> = {
  FeederEmpty: 'The feeder is empty',
  Jammed: 'Paper jam in the feeder',
  CoverOpen: 'The scanner cover is open',
  Busy: 'The scanner is busy',
};

const OPEN_FAILED = /open of device (\S+) failed: (.*)$/i;
const ACCESS_HINT = 'Check the udev rule and that the station user is in the `scanner` group (docs/scanners.md).';

/** Lines that report a failure (warnings such as "rounded value of" are not). */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/rounded value of|Output format is not set|received signal|trying to stop scanner/i.test(l));
}

export function kindOfSaneMessage(message: string): ScanErrorKind | undefined {
  return STATUS_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * The error scanimage reported, or undefined for a clean end.
 * Exit status 0 with no error line is the normal end of a batch.
 */
export function saneErrorFromOutput(stderr: string, exitCode: number | null): ScanError | undefined {
  const lines = errorLines(stderr);
  for (const line of [...lines].reverse()) {
    const open = OPEN_FAILED.exec(line);
    if (open !== null) {
      const status = open[2] ?? '';
      const kind = kindOfSaneMessage(status);
      if (kind === 'Busy') return scanError('Busy', `Scanner ${open[1]} is busy`, line);
      if (/Access to resource has been denied/i.test(status)) {
        return scanError('DeviceError', `No permission to open scanner ${open[1]}`, `${line}\n${ACCESS_HINT}`);
      }
      return scanError('Disconnected', `Scanner ${open[1]} is not available`, line);
    }
    const kind = kindOfSaneMessage(line);
    if (kind !== undefined) {
      const message = PLAIN_MESSAGES[kind] ?? line.replace(/^scanimage:\s*/, '');
      const detail = /Access to resource has been denied/i.test(line) ? `${line}\n${ACCESS_HINT}` : line;
      return scanError(kind, message, detail);
    }
  }
  if (exitCode === 0) return undefined;
  const last = lines.filter((l) => l.startsWith('scanimage:')).pop() ?? lines.pop();
  return scanError('DeviceError', `scanimage failed (exit ${String(exitCode)})`, last);
}
