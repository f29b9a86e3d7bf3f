import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/shared/store/open.ts';
import { runStoreContract } from './store.case.ts';

let dir: string | null = null;

runStoreContract({
  name: 'sqlite (temp dir)',
  open: async () => {
    dir = await mkdtemp(join(tmpdir(), 'cambist-store-'));
    return openStore({ kind: 'sqlite', dataDir: dir });
  },
  cleanup: async () => {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    dir = null;
  },
});
