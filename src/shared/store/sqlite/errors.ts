import { StoreError } from '../errors.ts';

function sqliteCode(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const code = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

export function isUniqueViolation(e: unknown): boolean {
  const code = sqliteCode(e);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * better-sqlite3 throws `SqliteError` with SQLite's extended result code; map it onto the store's
 * codes so callers see the same codes whichever adapter runs. Anything unrecognised is
 * STORE_INTERNAL (fatal): guessing "retryable" for an unknown failure risks looping on a bug.
 */
export function mapSqliteError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = sqliteCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  if (code === null) return new StoreError('STORE_INTERNAL', `unexpected failure in the SQLite store: ${msg}`, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('STORE_BUSY', `SQLite database is locked by another writer (${code})`, { cause: e });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError('STORE_CORRUPT', `SQLite database file is damaged (${code}): ${msg}`, { cause: e });
  }
  if (
    code === 'SQLITE_FULL' ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM'
  ) {
    return new StoreError('STORE_UNAVAILABLE', `SQLite database cannot be written (${code}): ${msg}`, { cause: e });
  }
  return new StoreError('STORE_INTERNAL', `SQLite error ${code}: ${msg}`, { cause: e });
}
