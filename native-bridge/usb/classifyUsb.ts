/** Pure classification of USB descriptors: which attached devices are probably scanners. */

export interface UsbInterfaceDescriptor {
  readonly interfaceClass: number;
  readonly interfaceSubClass: number;
  readonly interfaceProtocol: number;
}

export interface UsbDeviceDescriptor {
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceClass: number;
  readonly interfaces: readonly UsbInterfaceDescriptor[];
  readonly busNumber?: number;
  readonly deviceAddress?: number;
}

/** USB-IF class codes. */
export const USB_CLASS = {
  perInterface: 0x00,
  printer: 0x07,
  /** Still imaging (PTP/scanners). */
  image: 0x06,
  vendorSpecific: 0xff,
} as const;

/** Printer class, subclass 1, protocol 4: IPP over USB (ipp-usb exposes eSCL for it). */
export const IPP_USB = { interfaceClass: 0x07, interfaceSubClass: 0x01, interfaceProtocol: 0x04 } as const;

/** Vendors that make document scanners (many use vendor-specific interfaces, class 0xff). */
export const SCANNER_VENDORS: ReadonlyMap<number, string> = new Map([
  [0x04c5, 'Fujitsu / PFU (Ricoh)'],
  [0x04a9, 'Canon'],
  [0x04b8, 'Epson'],
  [0x04f9, 'Brother'],
  [0x040a, 'Kodak'],
  [0x29cc, 'Kodak Alaris'],
  [0x07b3, 'Plustek'],
  [0x0638, 'Avision'],
  [0x04da, 'Panasonic'],
  [0x03f0, 'HP'],
]);

export type ScannerLikelihood = 'likely' | 'possible' | 'unlikely';
export type UsbReason = 'imaging-interface' | 'ipp-over-usb' | 'scanner-vendor' | 'vendor-specific-interface';

export interface UsbClassification {
  readonly likelihood: ScannerLikelihood;
  readonly reasons: readonly UsbReason[];
  readonly vendorName?: string;
  /** True when the device speaks IPP over USB: reach its scanner through ipp-usb as eSCL. */
  readonly ippOverUsb: boolean;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
export const usbIdString = (d: Pick<UsbDeviceDescriptor, 'vendorId' | 'productId'>): string =>
  `${hex4(d.vendorId)}:${hex4(d.productId)}`;

/**
 * An imaging interface or IPP-over-USB makes a scanner likely; a scanner
 * vendor with a vendor-specific interface makes it likely too (most
 * document scanners look like that); a scanner vendor alone is possible
 * (the same vendors make mice, cameras and printers).
 */
export function classifyUsbDevice(d: UsbDeviceDescriptor): UsbClassification {
  const reasons: UsbReason[] = [];
  const classes = [d.deviceClass, ...d.interfaces.map((i) => i.interfaceClass)];
  const imaging = classes.includes(USB_CLASS.image);
  const ipp = d.interfaces.some(
    (i) =>
      i.interfaceClass === IPP_USB.interfaceClass &&
      i.interfaceSubClass === IPP_USB.interfaceSubClass &&
      i.interfaceProtocol === IPP_USB.interfaceProtocol,
  );
  const vendorName = SCANNER_VENDORS.get(d.vendorId);
  const vendorSpecific = classes.includes(USB_CLASS.vendorSpecific);
  if (imaging) reasons.push('imaging-interface');
  if (ipp) reasons.push('ipp-over-usb');
  if (vendorName !== undefined) reasons.push('scanner-vendor');
  if (vendorName !== undefined && vendorSpecific) reasons.push('vendor-specific-interface');
  const likelihood: ScannerLikelihood =
    imaging || ipp || (vendorName !== undefined && vendorSpecific)
      ? 'likely'
      : vendorName !== undefined
        ? 'possible'
        : 'unlikely';
  return { likelihood, reasons, ippOverUsb: ipp, ...(vendorName ? { vendorName } : {}) };
}
