export { openDatabase, migrate, describeOpenError, quickCheck, SCHEMA_VERSION, type Db, type OpenError } from './database';
export { backupDatabase, describeBackupError, type BackupError, type BackupSummary } from './backup';
export {
  addCombCrops, combClassVersion, combCropsOfClass, removeCombCropsOfField, replaceCombCropsOfField, resetCombAdaptation, reviewedCombOf, wrongAnswersOfClass, type CombCrop,
} from './combCrops';
export { busyRetries, isBusyError, retryBusy, writeTransaction } from './busy';
export { acquireStationLock, describeLockHolder, lockHolder, type LockHolder, type StationLock } from './stationLock';
export { MIGRATIONS, type Migration } from './migrations';
export { StationReader, type WorkbookSetRow, type WorkbookRow } from './reader';
export { StationWriter, contentHash, type ItemImportSummary, type RosterImportSummary } from './writer';
export { ScanRepository, imagesForJob, resolveImagePath, storedImagePath, type ScannedImageRow, type ResponseToStore, type PageOutcome, type ReviewRow } from './scanRepository';
export { GroupCommit } from './groupCommit';
