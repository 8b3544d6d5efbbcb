/** ledger/: spend records, batched durable writes and the spend reads. */
export { SpendWriter, dayFormatter, dayOf, type SpendWriterOptions, type SpendLogRow } from './spend-writer.ts';
export { SpendQuery, type SpendLogFilter, type SpendReportRow } from './spend-query.ts';
