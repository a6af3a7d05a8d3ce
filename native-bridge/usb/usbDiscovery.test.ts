import { existsSync, readdirSync } from 'node:fs';
import { usb, type Device } from 'usb';
import { describe, expect, it } from 'vitest';
import { usbIdString } from './classifyUsb';
import { describeUsbDevice, listLikelyScanners, listUsbDevices, watchUsb, type UsbEvent } from './usbDiscovery';

/** Devices as Linux lists them in sysfs (`usb1`, `1-1.2`; interfaces like `1-1:1.0` are not devices). */
const SYSFS_USB = '/sys/bus/usb/devices';
const sysfsDeviceCount = (): number => readdirSync(SYSFS_USB).filter((name) => !name.includes(':')).length;

/**
 * Descriptors as node-usb gives them, copied from `lsusb -v` of a Fujitsu fi-7160
 * (one vendor-specific interface) and of an HP LaserJet MFP M428 (printer, IPP over USB, and a vendor interface).
 */
const fi7160 = {
  busNumber: 1,
  deviceAddress: 5,
  deviceDescriptor: { idVendor: 0x04c5, idProduct: 0x132e, bDeviceClass: 0 },
  configDescriptor: { interfaces: [[{ bInterfaceClass: 0xff, bInterfaceSubClass: 0xff, bInterfaceProtocol: 0xff }]] },
} as unknown as Device;
const hpMfp = {
  busNumber: 2,
  deviceAddress: 3,
  deviceDescriptor: { idVendor: 0x03f0, idProduct: 0x7a2a, bDeviceClass: 0 },
  configDescriptor: {
    interfaces: [
      [{ bInterfaceClass: 0xff, bInterfaceSubClass: 0xcc, bInterfaceProtocol: 0 }],
      [
        { bInterfaceClass: 7, bInterfaceSubClass: 1, bInterfaceProtocol: 2 },
        { bInterfaceClass: 7, bInterfaceSubClass: 1, bInterfaceProtocol: 4 },
      ],
    ],
  },
} as unknown as Device;
/** A device whose configuration cannot be read without permission: node-usb throws from the getter. */
const lockedMouse = {
  busNumber: 1,
  deviceAddress: 2,
  deviceDescriptor: { idVendor: 0x046d, idProduct: 0xc077, bDeviceClass: 0 },
  get configDescriptor(): never {
    throw new Error('LIBUSB_ERROR_ACCESS');
  },
} as unknown as Device;

describe('describing node-usb devices', () => {
  it('copies ids, bus position and every alternate setting of every interface', () => {
    expect(describeUsbDevice(hpMfp)).toEqual({
      vendorId: 0x03f0,
      productId: 0x7a2a,
      deviceClass: 0,
      interfaces: [
        { interfaceClass: 0xff, interfaceSubClass: 0xcc, interfaceProtocol: 0 },
        { interfaceClass: 7, interfaceSubClass: 1, interfaceProtocol: 2 },
        { interfaceClass: 7, interfaceSubClass: 1, interfaceProtocol: 4 },
      ],
      busNumber: 2,
      deviceAddress: 3,
    });
    expect(describeUsbDevice(fi7160)).toMatchObject({ vendorId: 0x04c5, productId: 0x132e, interfaces: [{ interfaceClass: 0xff }] });
  });

  it('describes a device whose configuration is unreadable by its ids alone', () => {
    expect(describeUsbDevice(lockedMouse)).toEqual({
      vendorId: 0x046d,
      productId: 0xc077,
      deviceClass: 0,
      interfaces: [],
      busNumber: 1,
      deviceAddress: 2,
    });
  });
});

describe('live USB discovery', () => {
  it('lists as many devices as the kernel shows in sysfs, each classified', () => {
    const devices = listUsbDevices();
    // no sysfs USB tree (a container): the kernel shows no device, so node-usb must list none either
    expect(devices).toHaveLength(existsSync(SYSFS_USB) ? sysfsDeviceCount() : 0);
    for (const d of devices) expect(['likely', 'possible', 'unlikely']).toContain(d.classification.likelihood);
    expect(listLikelyScanners()).toEqual(devices.filter((d) => d.classification.likelihood !== 'unlikely'));
  });

  it('reports node-usb attach/detach events classified, and nothing after it stops', () => {
    const before = usb.listenerCount('attach');
    const events: UsbEvent[] = [];
    const stop = watchUsb((e) => events.push(e));
    expect(usb.listenerCount('attach')).toBe(before + 1);
    usb.emit('attach', fi7160);
    usb.emit('detach', lockedMouse);
    stop();
    usb.emit('attach', hpMfp);
    expect(usb.listenerCount('attach')).toBe(before);
    expect(events.map((e) => [e.type, usbIdString(e.device), e.device.classification.likelihood])).toEqual([
      ['attach', '04c5:132e', 'likely'],
      ['detach', '046d:c077', 'unlikely'],
    ]);
  });
});
