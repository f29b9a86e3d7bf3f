// Test actor: the real recorder over a store whose writeBatch takes `slow_ms` (a store that cannot
// keep up), to exercise backpressure in a real worker.
import { runActor } from '../../../src/actors/runtime/actor.ts';
import { openConfiguredStore, recorderActor } from '../../../src/actors/recorder/run.ts';
import type { RecorderSlice } from '../../../src/actors/recorder/records.ts';
import type { Store } from '../../../src/shared/store/index.ts';

export function slowStore(inner: Store, ms: number): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'writeBatch') {
        return async (...args: Parameters<Store['writeBatch']>) => {
          await new Promise((r) => setTimeout(r, ms));
          return target.writeBatch(...args);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

runActor(recorderActor(async (slice: RecorderSlice & { slow_ms?: number }) => slowStore(await openConfiguredStore(slice), slice.slow_ms ?? 0)));
