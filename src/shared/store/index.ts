export { openStore, type OpenStoreOptions } from './open.ts';
export { StoreError, isStoreError, STORE_ERROR_CODES, type StoreErrorCode } from './errors.ts';
export type {
  AuditQuery, BatchCounts, IncidentQuery, OpportunityQuery, Page, PageQuery, PairFilter, RetentionCounts,
  RetentionOptions, Store, StoreBatch, StoreKind, TimeRange, TradeQuery, WindowQuery,
} from './port.ts';
export { DEFAULT_RETENTION } from './port.ts';
export * from './records.ts';
