import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { CambistError } from '../../../src/shared/errors.ts';
import { STORE_ERROR_CODES, StoreError, isStoreError } from '../../../src/shared/store/errors.ts';
import { isDuplicateKey, mapMongoError } from '../../../src/shared/store/mongodb/errors.ts';
import { isUniqueViolation, mapSqliteError } from '../../../src/shared/store/sqlite/errors.ts';

function sqliteError(code: string): Error {
  return Object.assign(new Error(`sqlite says ${code}`), { code });
}

describe('StoreError', () => {
  it('is a CambistError with a stable code, a cause, and a retry class fixed by the code', () => {
    const cause = new Error('root');
    const e = new StoreError('STORE_UNAVAILABLE', 'down', { cause });
    expect(e).toBeInstanceOf(CambistError);
    expect(e.cause).toBe(cause);
    expect(e.retry).toBe('retryable');
    expect(new StoreError('STORE_DUPLICATE_TRADE_KEY', 'dup').retry).toBe('non-retryable');
    expect(new StoreError('STORE_SCHEMA_TOO_NEW', 'new').retry).toBe('fatal');
    for (const code of STORE_ERROR_CODES) expect(code).toMatch(/^STORE_[A-Z_]+$/);
    expect(isStoreError(e, 'STORE_UNAVAILABLE')).toBe(true);
    expect(isStoreError(e, 'STORE_BUSY')).toBe(false);
    expect(isStoreError(new Error('x'))).toBe(false);
  });
});

describe('SQLite error mapping', () => {
  it.each([
    ['SQLITE_BUSY', 'STORE_BUSY'],
    ['SQLITE_BUSY_SNAPSHOT', 'STORE_BUSY'],
    ['SQLITE_LOCKED', 'STORE_BUSY'],
    ['SQLITE_CORRUPT', 'STORE_CORRUPT'],
    ['SQLITE_NOTADB', 'STORE_CORRUPT'],
    ['SQLITE_FULL', 'STORE_UNAVAILABLE'],
    ['SQLITE_IOERR_FSYNC', 'STORE_UNAVAILABLE'],
    ['SQLITE_CANTOPEN', 'STORE_UNAVAILABLE'],
    ['SQLITE_READONLY', 'STORE_UNAVAILABLE'],
    ['SQLITE_MISUSE', 'STORE_INTERNAL'],
  ])('%s → %s', (sqlite, store) => {
    const e = mapSqliteError(sqliteError(sqlite));
    expect(e.code).toBe(store);
    expect((e.cause as Error).message).toContain(sqlite);
  });

  it('passes StoreErrors through and treats non-SQLite throws as internal', () => {
    const own = new StoreError('STORE_NOT_FOUND', 'x');
    expect(mapSqliteError(own)).toBe(own);
    expect(mapSqliteError(new TypeError('boom')).code).toBe('STORE_INTERNAL');
    expect(isUniqueViolation(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBe(true);
    expect(isUniqueViolation(sqliteError('SQLITE_CONSTRAINT_NOTNULL'))).toBe(false);
  });
});

describe('MongoDB error mapping', () => {
  it('recognises E11000, network failures and transient labels', () => {
    const dup = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    expect(isDuplicateKey(dup)).toBe(true);
    expect(mapMongoError(dup).code).toBe('STORE_CONFLICT');
    expect(mapMongoError(new MongoNetworkError('socket closed')).code).toBe('STORE_UNAVAILABLE');
    const transient = new MongoServerError({ message: 'write conflict', code: 112, errorLabels: ['TransientTransactionError'] });
    expect(isDuplicateKey(transient)).toBe(false);
    expect(mapMongoError(transient).code).toBe('STORE_UNAVAILABLE');
    expect(mapMongoError(new MongoServerError({ message: 'bad', code: 2 })).code).toBe('STORE_INTERNAL');
  });
});

describe('MongoDB credential errors', () => {
  it('are a configuration problem, not something to retry', () => {
    const e = mapMongoError(new MongoServerError({ message: 'Authentication failed.', code: 18 }));
    expect(e.code).toBe('STORE_MISCONFIGURED');
    expect(e.retry).toBe('fatal');
  });
});
