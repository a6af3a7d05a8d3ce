export { openDatabase, migrate, describeOpenError, SCHEMA_VERSION, type Db, type OpenError } from './database';
export { MIGRATIONS, type Migration } from './migrations';
export { StationReader, type WorkbookSetRow, type WorkbookRow } from './reader';
export { StationWriter, contentHash, type ItemImportSummary, type RosterImportSummary } from './writer';
export { ScanRepository, imagesForJob, type ScannedImageRow, type ResponseToStore, type PageOutcome, type ReviewRow } from './scanRepository';
