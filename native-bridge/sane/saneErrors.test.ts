import { describe, expect, it } from 'vitest';
import { saneErrorFromOutput } from './saneErrors';

// stderr lines exactly as scanimage 1.1.1 prints them
describe('saneErrorFromOutput', () => {
  it.each([
    ['scanimage: sane_start: Document feeder out of documents', 0, 'FeederEmpty'],
    ['scanimage: sane_read: Document feeder jammed', 6, 'Jammed'],
    ['scanimage: sane_read: Scanner cover is open', 8, 'CoverOpen'],
    ['scanimage: sane_read: Device busy', 3, 'Busy'],
    ['scanimage: sane_read: Invalid argument', 4, 'Unsupported'],
    ['scanimage: setting of option --source failed (Invalid argument)', 1, 'Unsupported'],
    ["scanimage: unrecognized option '--bogus'", 1, 'Unsupported'],
    ['scanimage: sane_read: Error during device I/O', 9, 'DeviceError'],
    ['scanimage: open of device test:9 failed: Invalid argument', 1, 'Disconnected'],
    ['scanimage: open of device epson2:libusb:001:004 failed: Device busy', 1, 'Busy'],
    ['scanimage: open of device fujitsu:x failed: Access to resource has been denied', 1, 'DeviceError'],
  ] as const)('%s → %s', (line, exitCode, kind) => {
    const error = saneErrorFromOutput(`Scanning page 1\n${line}\nBatch terminated, 1 page scanned\n`, exitCode);
    expect(error?.kind).toBe(kind);
    expect(error?.detail).toContain(line);
  });

  it('is a clean end on exit 0 without an error line', () => {
    expect(saneErrorFromOutput('Scanned page 1. (scanner status = 5)\n', 0)).toBeUndefined();
  });

  it('ignores warnings and reports an unknown failure as DeviceError', () => {
    const error = saneErrorFromOutput('scanimage: rounded value of resolution from 5000 to 1200\nscanimage: something odd\n', 2);
    expect(error?.kind).toBe('DeviceError');
    expect(error?.detail).toBe('scanimage: something odd');
  });

  it('points at the udev rule when access is denied', () => {
    const error = saneErrorFromOutput('scanimage: open of device x failed: Access to resource has been denied\n', 1);
    expect(error?.detail).toContain('scanner');
  });
});
