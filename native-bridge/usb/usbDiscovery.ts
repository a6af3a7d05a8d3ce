/**
 * Live USB discovery with node-usb 2.18: list attached devices and watch
 * attach/detach. Discovery only: we never claim a scanner's interface (on
 * Windows that would need WinUSB, which replaces the vendor's TWAIN/WIA driver).
 */
import { createRequire } from 'node:module';
import type { Device } from 'usb';
import { classifyUsbDevice, type UsbClassification, type UsbDeviceDescriptor } from './classifyUsb';

type UsbModule = typeof import('usb');
let loaded: UsbModule | null | undefined;

/**
 * node-usb is a native module: load it on first use, so that a station whose
 * binding fails to load still scans through SANE, eSCL and folders.
 */
function loadUsb(): UsbModule | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('usb') as UsbModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

export interface UsbDeviceReport extends UsbDeviceDescriptor {
  readonly classification: UsbClassification;
}

export type UsbEvent =
  | { readonly type: 'attach'; readonly device: UsbDeviceReport }
  | { readonly type: 'detach'; readonly device: UsbDeviceReport };

/** Plain descriptor of a node-usb device; the config descriptor can be unreadable without permission. */
export function describeUsbDevice(device: Device): UsbDeviceDescriptor {
  const d = device.deviceDescriptor;
  let interfaces: UsbDeviceDescriptor['interfaces'] = [];
  try {
    interfaces = (device.configDescriptor?.interfaces ?? []).flatMap((alternates) =>
      alternates.map((i) => ({
        interfaceClass: i.bInterfaceClass,
        interfaceSubClass: i.bInterfaceSubClass,
        interfaceProtocol: i.bInterfaceProtocol,
      })),
    );
  } catch {
    interfaces = [];
  }
  return {
    vendorId: d.idVendor,
    productId: d.idProduct,
    deviceClass: d.bDeviceClass,
    interfaces,
    busNumber: device.busNumber,
    deviceAddress: device.deviceAddress,
  };
}

const report = (device: Device): UsbDeviceReport => {
  const descriptor = describeUsbDevice(device);
  return { ...descriptor, classification: classifyUsbDevice(descriptor) };
};

/** Every attached device, classified. Empty in containers without /dev/bus/usb. */
export function listUsbDevices(): UsbDeviceReport[] {
  const usbModule = loadUsb();
  if (usbModule === undefined) return [];
  try {
    return usbModule.getDeviceList().map(report);
  } catch {
    return [];
  }
}

export function listLikelyScanners(): UsbDeviceReport[] {
  return listUsbDevices().filter((d) => d.classification.likelihood !== 'unlikely');
}

/** Calls `onEvent` on every attach and detach; returns a function that stops watching. */
export function watchUsb(onEvent: (event: UsbEvent) => void): () => void {
  const usb = loadUsb()?.usb;
  if (usb === undefined) return () => undefined;
  const onAttach = (device: Device): void => onEvent({ type: 'attach', device: report(device) });
  const onDetach = (device: Device): void => onEvent({ type: 'detach', device: report(device) });
  usb.on('attach', onAttach);
  usb.on('detach', onDetach);
  // hotplug must not keep the station process alive on its own
  usb.unrefHotplugEvents();
  return () => {
    usb.off('attach', onAttach);
    usb.off('detach', onDetach);
  };
}
