import { StoreError } from './errors.ts';
import type { Store, StoreKind } from './port.ts';
import { SqliteStore } from './sqlite/adapter.ts';

export interface OpenStoreOptions {
  kind: StoreKind;
  /** SQLite: the directory holding cambist.db (created if missing). */
  dataDir?: string;
  /** MongoDB: connection string; falls back to the MONGODB_URL environment variable. */
  mongoUrl?: string;
  /** MongoDB: database name, when the URL does not name the one to use. */
  mongoDbName?: string;
}

/** The one place that picks an adapter; everything else depends on the `Store` port only. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  switch (opts.kind) {
    case 'sqlite': {
      if (opts.dataDir === undefined || opts.dataDir === '') {
        throw new StoreError('STORE_MISCONFIGURED', 'SQLite store needs dataDir (the directory for cambist.db)');
      }
      return new SqliteStore({ dataDir: opts.dataDir });
    }
    case 'mongodb': {
      const url = opts.mongoUrl ?? process.env.MONGODB_URL;
      if (url === undefined || url === '') {
        throw new StoreError('STORE_MISCONFIGURED', 'MongoDB store needs a connection string: set MONGODB_URL');
      }
      // Loaded on demand: an embedded (SQLite) deployment never pays for the driver's import.
      const { MongoStore } = await import('./mongodb/adapter.ts');
      return MongoStore.open({ url, dbName: opts.mongoDbName });
    }
    default: {
      const never: never = opts.kind;
      throw new StoreError('STORE_MISCONFIGURED', `unknown store kind ${String(never)}`);
    }
  }
}
