// The ledger (台账) with time travel: the temporal items model, its query, the view and the .xlsx export.
export type {
  AsOf,
  LadderStep,
  LedgerAxis,
  LedgerColour,
  LedgerFilter,
  LedgerHeader,
  LedgerItem,
  LedgerQueryOptions,
  LedgerRow,
  LedgerScan,
  LedgerScanOptions,
  LedgerSnapshot,
  LedgerView,
  LedgerViewOptions,
} from './ledger-row';
export { LEDGER_PROJECTION, LEDGER_SCHEMA, LedgerProjection } from './ledger.projection';
export type { LedgerQueryDeps } from './ledger.query';
export { InvalidLedgerQueryError, LedgerQuery } from './ledger.query';
export type { LedgerPolicy } from './ledger-policy';
export { DEFAULT_LEDGER_POLICY, LedgerViewer, STATUS_TEXT, WorkingDayCounter } from './ledger-policy';
export { chineseDate, chineseDateTime, dueText, itemText, ledgerTitle, parseLedgerInstant, progressText, remarksText } from './ledger-format';
export type { LedgerXlsxInput } from './ledger-xlsx';
export { LEDGER_XLSX_FILLS, LEDGER_XLSX_HEADERS, ledgerXlsxBuffer, writeLedgerXlsx } from './ledger-xlsx';
