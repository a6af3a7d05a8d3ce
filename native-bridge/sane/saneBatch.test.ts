import { describe, expect, it } from 'vitest';
import { parseOptionHelp } from './parseSane';
import { batchFilesIn, completeFiles, saneBatchArgs } from './saneBatch';
import { saneSettings } from './saneSettings';

const files = (names: string[]) => batchFilesIn(names, 'pnm');

describe('batch file completion', () => {
  it('lists batch files in page order and ignores others', () => {
    expect(files(['p0010.pnm', 'p0002.pnm', 'p0003.pnm.part', 'notes.txt', 'p0001.png']).map((f) => f.name)).toEqual([
      'p0002.pnm',
      'p0003.pnm.part',
      'p0010.pnm',
    ]);
  });

  it('takes an announced file, or one a later page follows, but not the newest while running', () => {
    const listing = files(['p0001.pnm', 'p0002.pnm', 'p0003.pnm']);
    // scanimage without .part files writes straight into the final name: p0003 may still grow
    expect(completeFiles(listing, new Set(), false, 0).map((f) => f.number)).toEqual([1, 2]);
    expect(completeFiles(listing, new Set(['p0003.pnm']), false, 0).map((f) => f.number)).toEqual([1, 2, 3]);
    expect(completeFiles(listing, new Set(), true, 0).map((f) => f.number)).toEqual([1, 2, 3]);
    expect(completeFiles(listing, new Set(), true, 2).map((f) => f.number)).toEqual([3]);
  });

  it('counts a .part file of the next page as a later page', () => {
    const listing = files(['p0001.pnm', 'p0002.pnm.part']);
    expect(completeFiles(listing, new Set(), false, 0).map((f) => f.number)).toEqual([1]);
  });
});

describe('saneBatchArgs', () => {
  const fujitsu = parseOptionHelp(`Options specific to device \`fujitsu:x':
    --source ADF Front|ADF Back|ADF Duplex [ADF Front]
    --mode Lineart|Gray|Color [Lineart]
    --resolution 50..600dpi (in steps of 1) [600]
    -x 0..215.872mm (in steps of 0.0211639) [215.872]
    -y 0..279.364mm (in steps of 0.0211639) [279.364]
    --page-width 0..221.121mm (in steps of 0.0211639) [215.872]
    --page-height 0..876.695mm (in steps of 0.0211639) [279.364]
`);

  it('uses the vendor names, the page size and streaming batch options', () => {
    const args = saneBatchArgs(
      {
        deviceName: 'fujitsu:x',
        options: fujitsu,
        resolved: {
          source: { source: 'duplex', vendorName: 'ADF Duplex' },
          mode: { mode: 'gray', vendorName: 'Gray' },
          dpi: 300,
          pageSizeMm: { width: 210, height: 279.364 },
        },
      },
      saneSettings({ extraArgs: ['--swdeskew=yes'] }),
      '/tmp/b',
    );
    expect(args).toEqual([
      '-d',
      'fujitsu:x',
      '--source',
      'ADF Duplex',
      '--mode',
      'Gray',
      '--resolution',
      '300',
      '--page-width',
      '210',
      '--page-height',
      '279.364',
      '-x',
      '210',
      '-y',
      '279.364',
      '--format=pnm',
      '--batch=/tmp/b/p%04d.pnm',
      '--batch-start=1',
      '--batch-print',
      '--swdeskew=yes',
    ]);
  });

  it('scans one page from a flatbed and colour as PNG', () => {
    const args = saneBatchArgs(
      {
        deviceName: 'test',
        options: parseOptionHelp('    --source Flatbed|ADF [Flatbed]\n    --mode Gray|Color [Gray]\n    --resolution 1..1200dpi [50]\n'),
        resolved: {
          source: { source: 'flatbed', vendorName: 'Flatbed' },
          mode: { mode: 'color', vendorName: 'Color' },
          dpi: 150,
          pageSizeMm: { width: 210, height: 297 },
        },
      },
      saneSettings(),
      '/tmp/b',
    );
    expect(args).toContain('--batch-count=1');
    expect(args).toContain('--format=png');
    expect(args).toContain('--batch=/tmp/b/p%04d.png');
    expect(args).not.toContain('-x'); // the device has no geometry options
  });
});
