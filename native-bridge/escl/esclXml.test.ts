import { describe, expect, it } from 'vitest';
import { capabilitiesFromEscl, imageMismatch } from './esclDriver';
import {
  adfError,
  jobError,
  jobInfoFor,
  mmToEsclUnits,
  parseCapabilitiesXml,
  parseStatusXml,
  precheckDecision,
  scanSettingsXml,
} from './esclXml';
import { capabilitiesXmlFor, DEFAULT_FAKE_ESCL_SCRIPT, parseJobSettings } from './fakeEsclServer';

// A ScannerCapabilities reply shaped like an HP LaserJet MFP's (abridged), with a resolution range
const HP_CAPS = `<?xml version="1.0" encoding="UTF-8"?>
<scan:ScannerCapabilities xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
  <pwg:Version>2.63</pwg:Version>
  <pwg:MakeAndModel>HP Color LaserJet MFP M281fdw</pwg:MakeAndModel>
  <scan:Manufacturer>HP</scan:Manufacturer>
  <scan:Adf>
    <scan:AdfSimplexInputCaps>
      <scan:MinWidth>300</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth>
      <scan:MinHeight>300</scan:MinHeight><scan:MaxHeight>4200</scan:MaxHeight>
      <scan:SettingProfiles><scan:SettingProfile>
        <scan:ColorModes><scan:ColorMode>Grayscale8</scan:ColorMode></scan:ColorModes>
        <scan:DocumentFormats><pwg:DocumentFormat>application/pdf</pwg:DocumentFormat><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></scan:DocumentFormats>
        <scan:SupportedResolutions>
          <scan:ResolutionRange>
            <scan:XResolutionRange><scan:Min>75</scan:Min><scan:Max>300</scan:Max><scan:Step>1</scan:Step></scan:XResolutionRange>
            <scan:YResolutionRange><scan:Min>75</scan:Min><scan:Max>300</scan:Max><scan:Step>1</scan:Step></scan:YResolutionRange>
          </scan:ResolutionRange>
        </scan:SupportedResolutions>
      </scan:SettingProfile></scan:SettingProfiles>
    </scan:AdfSimplexInputCaps>
  </scan:Adf>
</scan:ScannerCapabilities>`;

describe('eSCL capabilities', () => {
  it('parses a single-mode ADF with a resolution range', () => {
    const caps = parseCapabilitiesXml(HP_CAPS);
    expect(caps?.makeAndModel).toBe('HP Color LaserJet MFP M281fdw');
    expect(caps?.platen).toBeUndefined();
    expect(caps?.adfSimplex?.colorModes).toEqual(['Grayscale8']);
    expect(caps?.adfSimplex?.resolutionRange).toEqual({ min: 75, max: 300, step: 1 });
    expect(caps?.adfSimplex?.documentFormats).toContain('image/jpeg');
    const ours = capabilitiesFromEscl('escl:x', caps!);
    expect(ours.sources).toEqual([{ source: 'feeder', vendorName: 'Feeder' }]);
    expect(ours.modes).toEqual([{ mode: 'gray', vendorName: 'Grayscale8' }]);
    expect(ours.resolutions).toEqual([75, 100, 150, 200, 240, 300]);
    expect(ours.maxPageSizeMm).toEqual({ width: 215.9, height: 355.6 });
  });

  it('parses the fake server capabilities with platen, ADF and duplex', () => {
    const caps = parseCapabilitiesXml(capabilitiesXmlFor(DEFAULT_FAKE_ESCL_SCRIPT));
    const ours = capabilitiesFromEscl('escl:x', caps!);
    expect(ours.sources.map((s) => s.source)).toEqual(['flatbed', 'feeder', 'duplex']);
    expect(ours.resolutions).toEqual([75, 100, 150, 200, 300, 600]);
    expect(ours.modes.map((m) => m.mode)).toEqual(['gray', 'color']);
  });

  it('rejects what is not eSCL', () => {
    expect(parseCapabilitiesXml('<html><body>Login</body></html>')).toBeUndefined();
    expect(parseStatusXml('<nope/>')).toBeUndefined();
  });
});

describe('eSCL status and the jam quirk', () => {
  const status = (state: string, adf?: string) =>
    parseStatusXml(
      `<scan:ScannerStatus xmlns:scan="s" xmlns:pwg="p"><pwg:State>${state}</pwg:State>${
        adf ? `<scan:AdfState>${adf}</scan:AdfState>` : ''
      }</scan:ScannerStatus>`,
    )!;

  it('maps ADF states to errors', () => {
    expect(adfError('ScannerAdfEmpty')?.kind).toBe('FeederEmpty');
    expect(adfError('ScannerAdfJam')?.kind).toBe('Jammed');
    expect(adfError('ScannerAdfMispick')?.kind).toBe('Jammed');
    expect(adfError('ScannerAdfHatchOpen')?.kind).toBe('CoverOpen');
    expect(adfError('ScannerAdfLoaded')).toBeUndefined();
  });

  const LIMITS = { jamRecheckReads: 3, emptyRecheckReads: 1, pendingJobBusySeconds: 60 };
  const decide = (s: ReturnType<typeof status>, source: 'feeder' | 'flatbed', read = 0) => precheckDecision(s, source, read, LIMITS);

  it('starts on Loaded, re-reads a jam or an empty feeder before believing it', () => {
    expect(decide(status('Idle', 'ScannerAdfLoaded'), 'feeder')).toEqual({ decision: 'go' });
    // AirSane says ScannerAdfEmpty once more after a batch, whatever the feeder holds: read again
    expect(decide(status('Idle', 'ScannerAdfEmpty'), 'feeder', 0)).toEqual({ decision: 'recheck' });
    expect(decide(status('Idle', 'ScannerAdfEmpty'), 'feeder', 1)).toMatchObject({ decision: 'stop', error: { kind: 'FeederEmpty' } });
    expect(decide(status('Idle', 'ScannerAdfJam'), 'feeder', 2)).toEqual({ decision: 'recheck' });
    expect(decide(status('Idle', 'ScannerAdfJam'), 'feeder', 3)).toMatchObject({ decision: 'stop', error: { kind: 'Jammed' } });
    // the flatbed does not care about the feeder
    expect(decide(status('Idle', 'ScannerAdfJam'), 'flatbed')).toEqual({ decision: 'go' });
    expect(decide(status('Processing', 'ScannerAdfLoaded'), 'feeder')).toMatchObject({ error: { kind: 'Busy' } });
    expect(decide(status('Down'), 'flatbed')).toMatchObject({ error: { kind: 'Disconnected' } });
    expect(decide(status('Idle'), 'feeder')).toEqual({ decision: 'go' });
  });

  // ScannerStatus as AirSane writes it while another station's job waits for its first page
  const AIRSANE_STATUS = (jobState: string, age: number) => `<?xml version='1.0' encoding='UTF-8'?>\r
<scan:ScannerStatus xmlns:pwg='http://www.pwg.org/schemas/2010/12/sm' xmlns:scan='http://schemas.hp.com/imaging/escl/2011/05/03'>\r
<pwg:Version>2.0</pwg:Version>\r
<pwg:State>Idle</pwg:State>\r
<pwg:StateReasons>\r
<pwg:StateReason>None</pwg:StateReason>\r
</pwg:StateReasons>\r
<scan:AdfState>ScannerAdfLoaded</scan:AdfState>\r
<scan:Jobs>\r
<scan:JobInfo>\r
<pwg:JobUri>/eSCL/ScanJobs/2b1e7c0a-6d5f-4c1e-9a51-0c1d2e3f4a5b</pwg:JobUri>\r
<pwg:JobUuid>2b1e7c0a-6d5f-4c1e-9a51-0c1d2e3f4a5b</pwg:JobUuid>\r
<scan:Age>${age}</scan:Age>\r
<pwg:JobState>${jobState}</pwg:JobState>\r
<pwg:ImagesCompleted>0</pwg:ImagesCompleted>\r
<pwg:JobStateReasons>\r
<pwg:JobStateReason>JobQueued</pwg:JobStateReason>\r
</pwg:JobStateReasons>\r
</scan:JobInfo>\r
</scan:Jobs>\r
</scan:ScannerStatus>\r
`;

  it('parses the job list and is Busy while another job is pending or processing', () => {
    const pending = parseStatusXml(AIRSANE_STATUS('Pending', 2))!;
    expect(pending.jobs).toEqual([
      {
        uri: '/eSCL/ScanJobs/2b1e7c0a-6d5f-4c1e-9a51-0c1d2e3f4a5b',
        uuid: '2b1e7c0a-6d5f-4c1e-9a51-0c1d2e3f4a5b',
        state: 'Pending',
        reasons: ['JobQueued'],
        imagesCompleted: 0,
        ageSeconds: 2,
      },
    ]);
    expect(decide(pending, 'feeder')).toMatchObject({ decision: 'stop', error: { kind: 'Busy' } });
    expect(decide(parseStatusXml(AIRSANE_STATUS('Processing', 900))!, 'flatbed')).toMatchObject({ error: { kind: 'Busy' } });
    // finished jobs and a long-abandoned pending one do not hold the scanner
    expect(decide(parseStatusXml(AIRSANE_STATUS('Completed', 1))!, 'feeder')).toEqual({ decision: 'go' });
    expect(decide(parseStatusXml(AIRSANE_STATUS('Pending', 3600))!, 'feeder')).toEqual({ decision: 'go' });
  });

  it('finds a job by its URL and reads how it ended', () => {
    const aborted = parseStatusXml(AIRSANE_STATUS('Aborted', 5).replace('JobQueued', 'ResourcesAreNotReady'))!;
    const job = jobInfoFor(aborted, 'http://10.0.0.5:8090/eSCL/ScanJobs/2b1e7c0a-6d5f-4c1e-9a51-0c1d2e3f4a5b');
    expect(job?.state).toBe('Aborted');
    expect(jobError(job, true)?.kind).toBe('Jammed');
    expect(jobError(job, false)?.kind).toBe('DeviceError');
    expect(jobInfoFor(aborted, 'http://10.0.0.5:8090/eSCL/ScanJobs/other')).toBeUndefined();
    const invalid = parseStatusXml(AIRSANE_STATUS('Aborted', 0).replace('JobQueued', 'InvalidScanTicket'))!;
    expect(jobError(invalid.jobs[0], true)?.kind).toBe('Unsupported');
    expect(jobError(parseStatusXml(AIRSANE_STATUS('Completed', 0))!.jobs[0], true)).toBeUndefined();
  });
});

describe('ScanSettings', () => {
  const xml = scanSettingsXml({
    version: '2.63',
    inputSource: 'Feeder',
    duplex: true,
    colorMode: 'Grayscale8',
    dpi: 300,
    documentFormat: 'image/jpeg',
    width: mmToEsclUnits(210),
    height: mmToEsclUnits(297),
  });

  it('prefixes every element and uses CRLF line endings', () => {
    expect(xml).toContain('\r\n');
    expect(xml.replace(/\r\n/g, '')).not.toContain('\n');
    const elements = [...xml.matchAll(/<\/?([A-Za-z][\w:.-]*)/g)].map((m) => m[1] ?? '');
    expect(elements.length).toBeGreaterThan(10);
    for (const name of elements) expect(name).toMatch(/^(scan|pwg):/);
  });

  it('is read back exactly by a strict server', () => {
    expect(parseJobSettings(xml)).toMatchObject({
      inputSource: 'Feeder',
      duplex: true,
      colorMode: 'Grayscale8',
      xResolution: 300,
      yResolution: 300,
      width: 2480,
      height: 3508,
      format: 'image/jpeg',
      prefixed: true,
    });
  });

  it('an unprefixed document reads as a default colour platen job (why we prefix)', () => {
    const unprefixed = xml.replace(/(<\/?)(scan|pwg):/g, '$1');
    expect(parseJobSettings(unprefixed)).toMatchObject({ inputSource: 'Platen', colorMode: 'RGB24', prefixed: false });
  });
});

describe('imageMismatch', () => {
  const request = { dpi: 300, width: 2480, mode: 'gray' as const };
  it('accepts what was asked for, within tolerance', () => {
    expect(imageMismatch({ width: 2480, channels: 1 }, request, 0.05)).toBeUndefined();
    expect(imageMismatch({ width: 2450, channels: 1 }, request, 0.05)).toBeUndefined();
  });
  it('catches the wrong resolution or colour', () => {
    expect(imageMismatch({ width: 620, channels: 1 }, request, 0.05)).toMatch(/width/);
    expect(imageMismatch({ width: 2480, channels: 3 }, request, 0.05)).toMatch(/colour/);
    expect(imageMismatch({ width: 2480, channels: 1 }, { ...request, mode: 'color' }, 0.05)).toMatch(/grey/);
  });
});
