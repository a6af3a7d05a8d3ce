/**
 * The one contract test suite every scanner driver must pass. Each
 * `*.contract.test.ts` calls `runDriverContract` with a harness that builds a
 * real driver and a device holding a known number of sheets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  SCAN_ERROR_KINDS,
  type Batch,
  type BatchOptions,
  type ScanError,
  type ScannerDriver,
  type Sheet,
} from './contract';
import { decodeInfo } from './testFixtures';

export interface DriverHarness {
  readonly driver: ScannerDriver;
  readonly deviceId: string;
  readonly batch: Omit<BatchOptions, 'deviceId'>;
  /** Sheets a full batch gives before FeederEmpty. */
  readonly expectedSheets: number;
  /** Sheets the device has scanned so far, counted outside the driver (server log, files), when the harness can. */
  sheetsScanned?(): number;
  cleanup?(): Promise<void>;
}

export type MakeHarness = () => Promise<DriverHarness>;

/** A bound on sheets, so a broken driver cannot loop a test forever. */
const MAX_SHEETS = 100;

export async function drain(batch: Batch): Promise<{ sheets: Sheet[]; end: ScanError }> {
  const sheets: Sheet[] = [];
  for (let i = 0; i < MAX_SHEETS; i++) {
    const result = await batch.scanSheet();
    if (!result.ok) return { sheets, end: result.error };
    sheets.push(result.value);
  }
  throw new Error(`more than ${MAX_SHEETS} sheets`);
}

export function runDriverContract(name: string, makeHarness: MakeHarness): void {
  describe(`${name} satisfies the scanner driver contract`, () => {
    let harness: DriverHarness | undefined;
    const open = async (): Promise<DriverHarness> => {
      harness = await makeHarness();
      return harness;
    };
    afterEach(async () => {
      await harness?.cleanup?.();
      harness = undefined;
    });

    it('lists the device', async () => {
      const h = await open();
      const devices = await h.driver.listDevices();
      const device = devices.find((d) => d.id === h.deviceId);
      expect(device).toBeDefined();
      expect(device?.kind).toBe(h.driver.kind);
      expect(device?.id.startsWith(`${h.driver.kind}:`)).toBe(true);
    });

    it('reports capabilities that cover the batch it will run', async () => {
      const h = await open();
      const caps = await h.driver.capabilities(h.deviceId);
      if (!caps.ok) throw new Error(JSON.stringify(caps.error));
      expect(caps.value.deviceId).toBe(h.deviceId);
      expect(caps.value.sources.map((s) => s.source)).toContain(h.batch.source);
      for (const s of caps.value.sources) expect(typeof s.vendorName).toBe('string');
      expect(caps.value.modes.map((m) => m.mode)).toContain(h.batch.mode);
      const range = caps.value.resolutionRange;
      const dpiOk =
        caps.value.resolutions.includes(h.batch.dpi) ||
        (range !== undefined && h.batch.dpi >= range.min && h.batch.dpi <= range.max);
      expect(dpiOk).toBe(true);
    });

    it('gives the expected sheets one at a time, then FeederEmpty, with images that decode', async () => {
      const h = await open();
      const started = await h.driver.startBatch({ deviceId: h.deviceId, ...h.batch });
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      const { sheets, end } = await drain(started.value);
      expect(end.kind).toBe('FeederEmpty');
      expect(sheets).toHaveLength(h.expectedSheets);
      expect(sheets.map((s) => s.index)).toEqual(sheets.map((_, i) => i));
      for (const sheet of sheets) {
        const front = await decodeInfo(sheet.front);
        expect(front.width).toBeGreaterThan(0);
        expect(front.height).toBeGreaterThan(0);
        if (sheet.back !== undefined) expect((await decodeInfo(sheet.back)).width).toBeGreaterThan(0);
        if (h.batch.source !== 'duplex') expect(sheet.back).toBeUndefined();
      }
      if (h.batch.source === 'duplex') expect(sheets.some((s) => s.back !== undefined)).toBe(true);
      // the end is sticky
      const again = await started.value.scanSheet();
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error.kind).toBe('FeederEmpty');
      await started.value.endBatch();
    });

    it('endBatch is idempotent and ends scanSheet', async () => {
      const h = await open();
      const started = await h.driver.startBatch({ deviceId: h.deviceId, ...h.batch });
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      const first = await started.value.scanSheet();
      expect(first.ok).toBe(h.expectedSheets > 0);
      await started.value.endBatch();
      await started.value.endBatch();
      const after = await started.value.scanSheet();
      expect(after.ok).toBe(false);
      if (!after.ok) expect(after.error.kind).toBe('FeederEmpty');
    });

    it('pauseFeeding ends the batch within the stack; every sheet the device already scanned is still given, then FeederEmpty', async () => {
      const h = await open();
      const started = await h.driver.startBatch({ deviceId: h.deviceId, ...h.batch });
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      const first = await started.value.scanSheet();
      expect(first.ok).toBe(true);
      await started.value.pauseFeeding();
      await started.value.pauseFeeding(); // twice is harmless
      const { sheets, end } = await drain(started.value);
      expect(end.kind).toBe('FeederEmpty');
      expect([first, ...sheets].length).toBeLessThanOrEqual(h.expectedSheets);
      if (h.sheetsScanned !== undefined) expect(1 + sheets.length).toBe(h.sheetsScanned());
      const after = await started.value.scanSheet();
      expect(after.ok ? undefined : after.error.kind).toBe('FeederEmpty');
      await started.value.endBatch();
    });

    it('answers an unknown device with a typed error', async () => {
      const h = await open();
      for (const deviceId of [`${h.driver.kind}:no-such-device-paperloop`, 'not-a-device-id']) {
        const caps = await h.driver.capabilities(deviceId);
        expect(caps.ok).toBe(false);
        if (!caps.ok) expect(SCAN_ERROR_KINDS).toContain(caps.error.kind);
        const started = await h.driver.startBatch({ ...h.batch, deviceId });
        expect(started.ok).toBe(false);
        if (!started.ok) {
          expect(started.error.kind).toBe('Disconnected');
          expect(typeof started.error.message).toBe('string');
        }
      }
    });

    it('refuses a resolution the device does not offer with Unsupported', async () => {
      const h = await open();
      const started = await h.driver.startBatch({ deviceId: h.deviceId, ...h.batch, dpi: 123457 });
      expect(started.ok).toBe(false);
      if (!started.ok) expect(started.error.kind).toBe('Unsupported');
    });
  });
}
