/**
 * A SANE configuration folder that enables only the `test` backend, for tests
 * and the demo, without touching /etc/sane.d. Point SANE_CONFIG_DIR (the
 * driver's `saneConfigDir`) at it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SYSTEM_TEST_CONF = '/etc/sane.d/test.conf';
/** Geometry maximum in mm; the stock 200 mm is smaller than A4. */
export const TEST_BACKEND_GEOMETRY_MAX_MM = 300;
/** The test backend's feeder runs empty after this many sheets. */
export const TEST_BACKEND_FEEDER_SHEETS = 10;

/** Is `scanimage` (sane-utils) installed? Tests of the real backend skip cleanly where it is not. */
export function scanimageInstalled(): boolean {
  try {
    execFileSync('scanimage', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface SaneTestConfig {
  readonly dir: string;
  /** The first test device, as a driver device id. */
  readonly deviceId: string;
  remove(): Promise<void>;
}

/** A slower test scanner, so a test can act while a stack is still being fed. */
export interface SaneTestPace {
  /** Pause after each read, in microseconds (the backend's read-delay). */
  readonly readDelayUs?: number;
  /** Bytes per read (the backend's read-limit). */
  readonly readLimitBytes?: number;
}

function setConfLine(conf: string, key: string, value: string): string {
  const line = `${key} ${value}`;
  const pattern = new RegExp(`^${key}\\s.*$`, 'm');
  return pattern.test(conf) ? conf.replace(pattern, line) : `${conf.trimEnd()}\n${line}\n`;
}

/** test.conf with `geometry_max` raised (and an optional pace); written from scratch when the system copy is missing. */
export function testConfText(systemConf: string | undefined, geometryMaxMm = TEST_BACKEND_GEOMETRY_MAX_MM, pace: SaneTestPace = {}): string {
  let conf = setConfLine(systemConf ?? 'number_of_devices 1\n', 'geometry_max', geometryMaxMm.toFixed(1));
  if (pace.readDelayUs !== undefined) {
    conf = setConfLine(setConfLine(conf, 'read-delay', 'true'), 'read-delay-duration', String(pace.readDelayUs));
  }
  if (pace.readLimitBytes !== undefined) {
    conf = setConfLine(setConfLine(conf, 'read-limit', 'true'), 'read-limit-size', String(pace.readLimitBytes));
  }
  return conf;
}

export async function createSaneTestConfig(parent: string = tmpdir(), pace: SaneTestPace = {}): Promise<SaneTestConfig> {
  const dir = await mkdtemp(join(parent, 'paperloop-sane-conf-'));
  const system = existsSync(SYSTEM_TEST_CONF) ? await readFile(SYSTEM_TEST_CONF, 'utf8') : undefined;
  await writeFile(join(dir, 'dll.conf'), 'test\n');
  await writeFile(join(dir, 'test.conf'), testConfText(system, TEST_BACKEND_GEOMETRY_MAX_MM, pace));
  return {
    dir,
    deviceId: 'sane:test:0',
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
