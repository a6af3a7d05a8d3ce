/**
 * Import formats: pure functions from file text to a Result. The caller reads the files; every
 * problem comes back as an ImportIssue naming the file, the line, the field or column, and a fix.
 * The formats are described in docs/formats.md.
 */
export { formatIssue, formatIssues, sortIssues, type ImportIssue } from './issues';
export { parseCsv, readCsvRecords, readCsvTable, formatCsv, type CsvRecord, type CsvRow, type CsvTable } from './csv';
export { ITEMS_FORMAT, parseItemsJson } from './itemsJson';
export { ITEM_CSV_COLUMNS, REQUIRED_ITEM_CSV_COLUMNS, formatItemsCsv, parseItemsCsv } from './itemsCsv';
export { checkItem, OPTION_KEYS } from './itemChecks';
export { SKILLS_FORMAT, formatCycle, parseSkillsJson } from './skillsJson';
export { parseSkillsCsv } from './skillsCsv';
export { SUPPORTED_QTI_INTERACTIONS, parseQtiItem, type QtiDefaults, type QtiImport } from './qti';
export { ROSTER_CSV_COLUMNS, parseRosterCsv } from './rosterCsv';
export { oneRosterGrade, parseOneRoster, type OneRosterImport, type OneRosterOptions, type OneRosterSummary } from './oneRoster';
