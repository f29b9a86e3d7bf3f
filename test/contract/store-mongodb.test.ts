import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { openStore } from '../../src/shared/store/open.ts';
import { runStoreContract } from './store.case.ts';

const url = process.env.MONGODB_URL;
let dbName: string | null = null;

// There is no MongoDB server on the development machines; the suite runs wherever MONGODB_URL
// points at one (a replica set member: writeBatch uses transactions). Each test gets its own
// database, dropped afterwards.
describe.skipIf(url === undefined || url === '')(
  url ? `MongoDB adapter against ${url.replace(/\/\/[^@/]*@/, '//***@')}` : 'MongoDB adapter — skipped: MONGODB_URL is not set (no MongoDB server on this machine; see src/shared/store/README.md)',
  () => {
    runStoreContract({
      name: 'mongodb',
      open: async () => {
        dbName = `cambist_test_${randomBytes(4).toString('hex')}`;
        return openStore({ kind: 'mongodb', mongoUrl: url, mongoDbName: dbName });
      },
      cleanup: async () => {
        if (dbName === null || url === undefined) return;
        const client = new MongoClient(url);
        try {
          await client.connect();
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
          dbName = null;
        }
      },
    });
  },
);
