import { describe, expect, it } from 'vitest';
import { classifyUsbDevice, usbIdString, type UsbDeviceDescriptor } from './classifyUsb';

const iface = (interfaceClass: number, interfaceSubClass = 0, interfaceProtocol = 0) => ({
  interfaceClass,
  interfaceSubClass,
  interfaceProtocol,
});
const device = (vendorId: number, interfaces: UsbDeviceDescriptor['interfaces'], deviceClass = 0): UsbDeviceDescriptor => ({
  vendorId,
  productId: 0x1234,
  deviceClass,
  interfaces,
});

describe('classifyUsbDevice', () => {
  it('flags a Fujitsu/PFU sheet-fed scanner with a vendor-specific interface', () => {
    const c = classifyUsbDevice(device(0x04c5, [iface(0xff, 0xff, 0xff)]));
    expect(c.likelihood).toBe('likely');
    expect(c.vendorName).toMatch(/Fujitsu/);
    expect(c.reasons).toEqual(['scanner-vendor', 'vendor-specific-interface']);
  });

  it('flags any imaging-class device', () => {
    expect(classifyUsbDevice(device(0x1d6b, [iface(6, 1, 1)])).reasons).toContain('imaging-interface');
    expect(classifyUsbDevice(device(0x1d6b, [], 6)).likelihood).toBe('likely');
  });

  it('flags an IPP-over-USB multifunction printer (7/1/4), to be reached through ipp-usb as eSCL', () => {
    const c = classifyUsbDevice(device(0x03f0, [iface(7, 1, 2), iface(7, 1, 4), iface(0xff, 0xcc, 0)]));
    expect(c.likelihood).toBe('likely');
    expect(c.ippOverUsb).toBe(true);
  });

  it('a scanner vendor alone is only possible, and others are unlikely', () => {
    expect(classifyUsbDevice(device(0x04a9, [iface(3, 1, 2)])).likelihood).toBe('possible'); // a Canon HID device
    expect(classifyUsbDevice(device(0x046d, [iface(3, 1, 2)])).likelihood).toBe('unlikely'); // a Logitech mouse
    expect(classifyUsbDevice(device(0x0781, [iface(8, 6, 0x50)])).likelihood).toBe('unlikely'); // a USB stick
  });

  it.each([0x04a9, 0x04b8, 0x04f9, 0x040a, 0x29cc, 0x07b3, 0x0638, 0x04da, 0x03f0])('knows vendor %s', (vendorId) => {
    expect(classifyUsbDevice(device(vendorId, [iface(0xff)])).likelihood).toBe('likely');
  });

  it('formats ids like lsusb', () => {
    expect(usbIdString({ vendorId: 0x04c5, productId: 0x132b })).toBe('04c5:132b');
  });
});
