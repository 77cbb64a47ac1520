export { Ledger, toNewEvent } from './ledger';
export type { LedgerResult } from './ledger';
export { Harness, ManualClock } from './harness';
export type { HarnessOptions } from './harness';
