import { MongoError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { StoreError } from '../errors.ts';

const DUPLICATE_KEY = 11000;
const UNAUTHORIZED = 13;
const AUTHENTICATION_FAILED = 18;

/** E11000: a unique index refused the write (single insert, bulk write, or inside a transaction). */
export function isDuplicateKey(e: unknown): boolean {
  return e instanceof MongoServerError && e.code === DUPLICATE_KEY;
}

/**
 * Map driver errors onto store codes. Network trouble and anything the server labels transient is
 * STORE_UNAVAILABLE (retryable): the driver has already done its own single retry by then. Anything
 * else is STORE_INTERNAL (fatal) rather than a guess that might loop on a bug.
 */
export function mapMongoError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof MongoServerError && (e.code === UNAUTHORIZED || e.code === AUTHENTICATION_FAILED)) {
    return new StoreError('STORE_MISCONFIGURED', `MongoDB refused the credentials or the role in MONGODB_URL: ${msg}`, { cause: e });
  }
  if (isDuplicateKey(e)) return new StoreError('STORE_CONFLICT', `MongoDB unique index refused the write: ${msg}`, { cause: e });
  if (
    e instanceof MongoNetworkError ||
    e instanceof MongoServerSelectionError ||
    (e instanceof MongoError && (e.hasErrorLabel('TransientTransactionError') || e.hasErrorLabel('RetryableWriteError')))
  ) {
    return new StoreError('STORE_UNAVAILABLE', `MongoDB unreachable or failing over: ${msg}`, { cause: e });
  }
  return new StoreError('STORE_INTERNAL', `unexpected MongoDB failure: ${msg}`, { cause: e });
}
