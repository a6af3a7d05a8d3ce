import { createReplayDriver } from '../../native-bridge/replay/replayDriver';
import type { ScannerDriver } from '../../native-bridge/contract';

/** The drivers a station offers. Device ids carry their driver's prefix (sane:, escl:, hotfolder:, replay:). */
export type DeviceOptions = { replayFolder?: string; replayMsPerSheet?: number };

export function replayDriverFor(folder: string, msPerSheet = 0): { driver: ScannerDriver; deviceId: string } {
  return { driver: createReplayDriver({ devices: [{ name: 'stack', folder, msPerSheet }] }), deviceId: 'replay:stack' };
}
