import { existsSync } from 'node:fs';
import type { DeviceInfo, ScannerDriver } from '../../native-bridge/contract';
import { createEsclDriver } from '../../native-bridge/escl/esclDriver';
import { createHotFolderDriver } from '../../native-bridge/hotFolder/hotFolderDriver';
import { createReplayDriver } from '../../native-bridge/replay/replayDriver';
import { createSaneDriver } from '../../native-bridge/sane/saneDriver';
import type { StationSettings } from '../domain/settings';

export function replayDriverFor(folder: string, msPerSheet = 0): { driver: ScannerDriver; deviceId: string } {
  return { driver: createReplayDriver({ devices: [{ name: 'stack', folder, msPerSheet }] }), deviceId: 'replay:stack' };
}

const hasScanimage = () => ['/usr/bin/scanimage', '/usr/local/bin/scanimage'].some(existsSync);

/** Settings left unset keep the driver's own defaults. */
const definedOnly = <T extends object>(options: T): Partial<T> => Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Every driver this station is configured for. Device ids carry their driver's prefix. */
export function stationDrivers(settings: StationSettings): ScannerDriver[] {
  const drivers: ScannerDriver[] = [];
  const { sane, saneConfigDir, escl, esclOptions, hotFolders, hotFolderOptions } = settings.scanners;
  if (hasScanimage()) drivers.push(createSaneDriver({ ...definedOnly(sane), ...(saneConfigDir ? { saneConfigDir } : {}) }));
  if (escl.length) drivers.push(createEsclDriver({ ...definedOnly(esclOptions), scanners: escl }));
  if (hotFolders.length) drivers.push(createHotFolderDriver({ ...definedOnly(hotFolderOptions), folders: hotFolders }));
  return drivers;
}

export function driverForDevice(settings: StationSettings, deviceId: string): ScannerDriver | null {
  const prefix = deviceId.split(':')[0];
  return stationDrivers(settings).find((d) => d.kind === prefix) ?? null;
}

export async function listAllDevices(settings: StationSettings): Promise<DeviceInfo[]> {
  const lists = await Promise.all(stationDrivers(settings).map((d) => d.listDevices().catch(() => [] as DeviceInfo[])));
  return lists.flat();
}
