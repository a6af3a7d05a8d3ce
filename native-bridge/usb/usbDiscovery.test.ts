import { usb } from 'usb';
import { describe, expect, it } from 'vitest';
import { listLikelyScanners, listUsbDevices, watchUsb } from './usbDiscovery';

// The container has no USB bus: node-usb 2.18 lists nothing, but must not throw.
describe('live USB discovery', () => {
  it('lists attached devices (none here) with a classification each', () => {
    const devices = listUsbDevices();
    expect(Array.isArray(devices)).toBe(true);
    for (const d of devices) expect(['likely', 'possible', 'unlikely']).toContain(d.classification.likelihood);
    expect(listLikelyScanners().length).toBeLessThanOrEqual(devices.length);
  });

  it('subscribes to node-usb attach/detach and unsubscribes', () => {
    const before = usb.listenerCount('attach');
    const events: unknown[] = [];
    const stop = watchUsb((e) => events.push(e));
    expect(usb.listenerCount('attach')).toBe(before + 1);
    expect(usb.listenerCount('detach')).toBeGreaterThanOrEqual(1);
    stop();
    expect(usb.listenerCount('attach')).toBe(before);
    expect(events).toEqual([]);
  });
});
