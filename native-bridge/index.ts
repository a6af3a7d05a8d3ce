/**
 * native-bridge: device access for the PaperLoop station. Every scanner
 * driver implements `ScannerDriver` (see contract.ts); src/scan picks one
 * and pulls sheets from its `Batch`.
 */

// the contract
export {
  COMMON_RESOLUTIONS,
  DEFAULT_PAGE_SIZE_MM,
  SCAN_ERROR_KINDS,
  err,
  ok,
  scanError,
  throwIllegalValue,
} from './contract';
export type {
  Batch,
  BatchOptions,
  Capabilities,
  ColorMode,
  DeviceInfo,
  DriverKind,
  Err,
  MediaType,
  ModeCapability,
  Ok,
  PageSizeMm,
  PaperSource,
  ResolutionRange,
  Result,
  ScanError,
  ScanErrorKind,
  ScannedImage,
  ScannerDriver,
  Sheet,
  SourceCapability,
} from './contract';
export { resolveBatchOptions, supportsDpi } from './batchOptions';

// SANE (scanimage)
export { createSaneDriver, capabilitiesFromOptions, type SaneDriver } from './sane/saneDriver';
export { DEFAULT_SANE_SETTINGS, type SaneSettings } from './sane/saneSettings';
export { classifySourceName, classifyModeName, parseOptionHelp, type SaneOption } from './sane/parseSane';
export {
  createSaneTestConfig,
  TEST_BACKEND_FEEDER_SHEETS,
  type SaneTestConfig,
} from './sane/saneTestBackend';

// eSCL / AirScan
export { createEsclDriver, type EsclDriver } from './escl/esclDriver';
export { DEFAULT_ESCL_SETTINGS, type EsclScannerConfig, type EsclSettings } from './escl/esclSettings';
export type { EsclCapabilities, EsclJobInfo, EsclStatus } from './escl/esclXml';
export {
  DEFAULT_FAKE_ESCL_SCRIPT,
  FAKE_ESCL_SCRIPTS,
  startFakeEsclServer,
  type FakeEsclScript,
  type FakeEsclServer,
} from './escl/fakeEsclServer';

// scan-to-folder
export { createHotFolderDriver, type HotFolderDriver } from './hotFolder/hotFolderDriver';
export {
  DEFAULT_HOT_FOLDER_SETTINGS,
  type HotFolderConfig,
  type HotFolderSettings,
} from './hotFolder/hotFolderSettings';
export { DEFAULT_IGNORE_PATTERNS, memoryLedger, type TakenLedger } from './hotFolder/fileStability';

// replay (demo and tests)
export {
  createReplayDriver,
  DEFAULT_REPLAY_SETTINGS,
  type ReplayDeviceConfig,
  type ReplayDriver,
  type ReplayFailure,
  type ReplaySettings,
} from './replay/replayDriver';

// files
export { DEFAULT_IMPORT_OPTIONS, importBytes, importFile, type ImportOptions } from './fileImport';
export { parsePnmHeader, sniffMediaType, type FileMediaType, type PnmHeader } from './imageFormat';

// USB discovery
export {
  classifyUsbDevice,
  IPP_USB,
  SCANNER_VENDORS,
  usbIdString,
  type UsbClassification,
  type UsbDeviceDescriptor,
  type UsbInterfaceDescriptor,
} from './usb/classifyUsb';
export {
  listLikelyScanners,
  listUsbDevices,
  watchUsb,
  type UsbDeviceReport,
  type UsbEvent,
} from './usb/usbDiscovery';
