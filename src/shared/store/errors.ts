import { CambistError, type RetryClass } from '../errors.ts';

/**
 * Store error codes. Callers (executor, recorder, edge) branch on these, never on message text, so a
 * code is never renamed or reused for a different meaning.
 */
export const STORE_ERROR_CODES = [
  'STORE_DUPLICATE_TRADE_KEY',
  'STORE_NOT_FOUND',
  'STORE_CONFLICT',
  'STORE_INVALID_RECORD',
  'STORE_INVALID_QUERY',
  'STORE_BAD_CURSOR',
  'STORE_UNAVAILABLE',
  'STORE_BUSY',
  'STORE_CLOSED',
  'STORE_MISCONFIGURED',
  'STORE_SCHEMA_TOO_NEW',
  'STORE_CORRUPT',
  'STORE_INTERNAL',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

// The retry class follows from the code so two adapters cannot disagree about it: a duplicate key
// is definitive (the intent already exists; retrying would never succeed), an unreachable server may
// come back, a newer schema or a corrupt file means this process must not go on writing.
const RETRY_BY_CODE: Record<StoreErrorCode, RetryClass> = {
  STORE_DUPLICATE_TRADE_KEY: 'non-retryable',
  STORE_NOT_FOUND: 'non-retryable',
  STORE_CONFLICT: 'non-retryable',
  STORE_INVALID_RECORD: 'non-retryable',
  STORE_INVALID_QUERY: 'non-retryable',
  STORE_BAD_CURSOR: 'non-retryable',
  STORE_UNAVAILABLE: 'retryable',
  STORE_BUSY: 'retryable',
  STORE_CLOSED: 'fatal',
  STORE_MISCONFIGURED: 'fatal',
  STORE_SCHEMA_TOO_NEW: 'fatal',
  STORE_CORRUPT: 'fatal',
  STORE_INTERNAL: 'fatal',
};

export class StoreError extends CambistError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(code, message, { cause: opts.cause, retry: RETRY_BY_CODE[code] });
    this.name = 'StoreError';
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
