import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/shared/store/port.ts';
import { listCases } from './store-lists.case.ts';
import { recordCases } from './store-records.case.ts';
import { tradeCases } from './store-trades.case.ts';

export interface StoreContractOptions {
  name: string;
  /** A fresh, empty store for each test. */
  open: () => Promise<Store>;
  /** Drop whatever `open` created (runs after the store is closed). */
  cleanup: () => Promise<void>;
}

/**
 * The one conformance suite every Store adapter must pass (DESIGN §7, §13.3). Adapter test files
 * call this with their own open/cleanup; the cases only see the `Store` port.
 */
export function runStoreContract(opts: StoreContractOptions): void {
  describe(`Store contract: ${opts.name}`, () => {
    let store: Store | null = null;
    const get = (): Store => {
      if (store === null) throw new Error('store not opened');
      return store;
    };
    beforeEach(async () => {
      store = await opts.open();
    });
    afterEach(async () => {
      const s = store;
      store = null;
      if (s !== null) await s.close();
      await opts.cleanup();
    });
    recordCases(get);
    tradeCases(get);
    listCases(get);
  });
}
