import { describe, expect, it } from 'vitest';
import {
  classifyModeName,
  classifySourceName,
  maxPageSizeFrom,
  modesFromNames,
  parseDeviceList,
  parseOptionHelp,
  sourcesFromNames,
} from './parseSane';
import { capabilitiesFromOptions } from './saneDriver';

// The device part of `scanimage --help -d …` as printed by sane-backends for
// a sheet-fed Fujitsu and a Brother MFP (abridged).
const FUJITSU_HELP = `Options specific to device \`fujitsu:fi-7160:12345':
  Standard:
    --source ADF Front|ADF Back|ADF Duplex [ADF Front]
        Selects the scan source (such as a document-feeder).
    --mode Lineart|Halftone|Gray|Color [Lineart]
        Selects the scan mode (e.g., lineart, monochrome, or color).
    --resolution 50..600dpi (in steps of 1) [600]
        Sets the resolution of the scanned image.
  Geometry:
    -l 0..215.872mm (in steps of 0.0211639) [0]
        Top-left x position of scan area.
    -x 0..215.872mm (in steps of 0.0211639) [215.872]
        Width of scan-area.
    -y 0..279.364mm (in steps of 0.0211639) [279.364]
        Height of scan-area.
    --page-width 0..221.121mm (in steps of 0.0211639) [215.872]
        Specifies the width of the media.
    --page-height 0..876.695mm (in steps of 0.0211639) [279.364]
        Specifies the height of the media.
    --swdeskew[=(yes|no)] [no]
        Request driver to rotate skewed pages digitally.
`;

const BROTHER_HELP = `Options specific to device \`brother4:net1;dev0':
  Mode:
    --mode Black & White|Gray[Error Diffusion]|True Gray|24bit Color[Fast]|24bit Color [24bit Color]
        Select the scan mode
    --resolution 100|150|200|300|400|600|1200|2400|4800|9600dpi [200]
        Sets the resolution of the scanned image.
    --source FlatBed|Automatic Document Feeder(left aligned)|Automatic Document Feeder(left aligned,Duplex)|Automatic Document Feeder(centrally aligned)|Automatic Document Feeder(centrally aligned,Duplex) [Automatic Document Feeder(left aligned)]
        Selects the scan source (such as a document-feeder).
  Geometry:
    -x 0..215.9mm (in steps of 0.0999908) [215.88]
        Width of scan-area.
    -y 0..355.6mm (in steps of 0.0999908) [355.567]
        Height of scan-area.
`;

describe('parseDeviceList', () => {
  it('reads the tab-separated -f format and skips noise', () => {
    const devices = parseDeviceList(
      'fujitsu:fi-7160:12345\tFUJITSU\tfi-7160\tscanner\nsome warning\nairscan:e0:HP\teSCL\tHP OfficeJet\tip=10.0.0.9\n',
    );
    expect(devices).toEqual([
      { name: 'fujitsu:fi-7160:12345', vendor: 'FUJITSU', model: 'fi-7160', type: 'scanner' },
      { name: 'airscan:e0:HP', vendor: 'eSCL', model: 'HP OfficeJet', type: 'ip=10.0.0.9' },
    ]);
  });
});

describe('parseOptionHelp', () => {
  it('reads lists, ranges, units, defaults and booleans', () => {
    const options = parseOptionHelp(FUJITSU_HELP);
    const byName = new Map(options.map((o) => [o.name, o]));
    expect(byName.get('--source')?.values).toEqual(['ADF Front', 'ADF Back', 'ADF Duplex']);
    expect(byName.get('--source')?.current).toBe('ADF Front');
    expect(byName.get('--resolution')?.range).toEqual({ min: 50, max: 600, step: 1 });
    expect(byName.get('--resolution')?.unit).toBe('dpi');
    expect(byName.get('-x')?.range?.max).toBe(215.872);
    expect(byName.get('--swdeskew')?.values).toEqual(['yes', 'no']);
  });

  it('keeps vendor names with brackets and commas whole', () => {
    const options = parseOptionHelp(BROTHER_HELP);
    const mode = options.find((o) => o.name === '--mode');
    expect(mode?.values).toEqual(['Black & White', 'Gray[Error Diffusion]', 'True Gray', '24bit Color[Fast]', '24bit Color']);
    expect(mode?.current).toBe('24bit Color');
    const resolution = options.find((o) => o.name === '--resolution');
    expect(resolution?.values?.[0]).toBe('100');
    expect(resolution?.values?.at(-1)).toBe('9600');
    expect(resolution?.unit).toBe('dpi');
  });

  it('marks inactive options', () => {
    const options = parseOptionHelp('Options specific to device `x\':\n    --three-pass[=(yes|no)] [inactive]\n');
    expect(options[0]?.inactive).toBe(true);
  });
});

describe('source and mode names', () => {
  it('maps vendor source names by their words, never one fixed name', () => {
    expect(classifySourceName('Automatic Document Feeder')).toBe('feeder');
    expect(classifySourceName('ADF Front')).toBe('feeder');
    expect(classifySourceName('ADF Duplex')).toBe('duplex');
    expect(classifySourceName('Automatic Document Feeder(left aligned,Duplex)')).toBe('duplex');
    expect(classifySourceName('Duplex')).toBe('duplex');
    expect(classifySourceName('FlatBed')).toBe('flatbed');
    expect(classifySourceName('Flatbed')).toBe('flatbed');
    expect(classifySourceName('Transparency Adapter')).toBeUndefined();
  });

  it('prefers the front of a feeder over its back', () => {
    expect(sourcesFromNames(['ADF Back', 'ADF Front', 'ADF Duplex'])).toEqual([
      { source: 'feeder', vendorName: 'ADF Front' },
      { source: 'duplex', vendorName: 'ADF Duplex' },
    ]);
  });

  it('picks true grey and plain colour, never dithered modes', () => {
    expect(classifyModeName('Gray[Error Diffusion]')).toBeUndefined();
    expect(classifyModeName('Lineart')).toBeUndefined();
    expect(modesFromNames(['Black & White', 'Gray[Error Diffusion]', 'True Gray', '24bit Color[Fast]', '24bit Color'])).toEqual([
      { mode: 'gray', vendorName: 'True Gray' },
      { mode: 'color', vendorName: '24bit Color' },
    ]);
  });
});

describe('capabilitiesFromOptions', () => {
  it('builds capabilities for a sheet-fed scanner from its own names', () => {
    const caps = capabilitiesFromOptions('sane:fujitsu:fi-7160:12345', parseOptionHelp(FUJITSU_HELP));
    expect(caps.sources).toEqual([
      { source: 'feeder', vendorName: 'ADF Front' },
      { source: 'duplex', vendorName: 'ADF Duplex' },
    ]);
    expect(caps.modes).toEqual([
      { mode: 'gray', vendorName: 'Gray' },
      { mode: 'color', vendorName: 'Color' },
    ]);
    expect(caps.resolutionRange).toEqual({ min: 50, max: 600, step: 1 });
    expect(caps.resolutions).toContain(300);
    expect(caps.maxPageSizeMm).toEqual({ width: 215.872, height: 279.364 });
  });

  it('builds capabilities for an MFP with a discrete resolution list', () => {
    const caps = capabilitiesFromOptions('sane:brother4:net1;dev0', parseOptionHelp(BROTHER_HELP));
    expect(caps.sources.map((s) => [s.source, s.vendorName])).toEqual([
      ['flatbed', 'FlatBed'],
      ['feeder', 'Automatic Document Feeder(left aligned)'],
      ['duplex', 'Automatic Document Feeder(left aligned,Duplex)'],
    ]);
    expect(caps.resolutions).toEqual([100, 150, 200, 300, 400, 600, 1200, 2400, 4800, 9600]);
    expect(caps.resolutionRange).toBeUndefined();
    expect(maxPageSizeFrom(parseOptionHelp(BROTHER_HELP))).toEqual({ width: 215.9, height: 355.6 });
  });
});
