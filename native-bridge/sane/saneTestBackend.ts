/**
 * A SANE configuration folder that enables only the `test` backend, for tests
 * and the demo, without touching /etc/sane.d. Point SANE_CONFIG_DIR (the
 * driver's `saneConfigDir`) at it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SYSTEM_TEST_CONF = '/etc/sane.d/test.conf';
/** Geometry maximum in mm; the stock 200 mm is smaller than A4. */
export const TEST_BACKEND_GEOMETRY_MAX_MM = 300;
/** The test backend's feeder runs empty after this many sheets. */
export const TEST_BACKEND_FEEDER_SHEETS = 10;

export interface SaneTestConfig {
  readonly dir: string;
  /** The first test device, as a driver device id. */
  readonly deviceId: string;
  remove(): Promise<void>;
}

/** test.conf with `geometry_max` raised; written from scratch when the system copy is missing. */
export function testConfText(systemConf: string | undefined, geometryMaxMm = TEST_BACKEND_GEOMETRY_MAX_MM): string {
  const line = `geometry_max ${geometryMaxMm.toFixed(1)}`;
  if (systemConf === undefined) return `number_of_devices 1\n${line}\n`;
  return /^geometry_max\s/m.test(systemConf)
    ? systemConf.replace(/^geometry_max\s.*$/m, line)
    : `${systemConf.trimEnd()}\n${line}\n`;
}

export async function createSaneTestConfig(parent: string = tmpdir()): Promise<SaneTestConfig> {
  const dir = await mkdtemp(join(parent, 'paperloop-sane-conf-'));
  const system = existsSync(SYSTEM_TEST_CONF) ? await readFile(SYSTEM_TEST_CONF, 'utf8') : undefined;
  await writeFile(join(dir, 'dll.conf'), 'test\n');
  await writeFile(join(dir, 'test.conf'), testConfText(system));
  return {
    dir,
    deviceId: 'sane:test:0',
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
