import { CambistError } from '../../shared/errors.ts';
import {
  BASIS_ASSET, ExecResult, FeedHealth, Inventory, Kind, Opportunity, WindowEvent, WindowEventType, kindAt, venueName,
} from '../../shared/messages/index.ts';
import type { Memory } from '../../shared/ring/index.ts';
import { openStore, type Store } from '../../shared/store/index.ts';
import type { ActorContext, ActorFactory } from '../runtime/actor.ts';
import { InputLoop } from '../runtime/loop.ts';
import { Batcher } from './batcher.ts';
import {
  Names, execUpdate, inventorySnapshots, opportunityKey, opportunityRecord, windowIdOf, windowRecord, type RecorderSlice,
} from './records.ts';

/** How the recorder gets its store: the real one by default; tests pass a slow or failing double. */
export type OpenRecorderStore = (slice: RecorderSlice) => Promise<Store>;

export const openConfiguredStore: OpenRecorderStore = async (slice) => {
  if (slice.store.kind === 'mongodb') {
    const url = process.env[slice.store.mongodb_url_env];
    if (!url) throw new CambistError('RECORDER_NO_STORE_URL', `store.kind is mongodb but ${slice.store.mongodb_url_env} is not set`, { retry: 'fatal' });
    return openStore({ kind: 'mongodb', mongoUrl: url });
  }
  return openStore({ kind: 'sqlite', dataDir: slice.data_dir });
};

const KIND_NAMES = ['opportunity', 'window', 'exec_result', 'feed_health', 'inventory', 'other'] as const;

/**
 * recorder (async ring loop: it does I/O). Drains Opportunity / WindowEvent / ExecResult /
 * FeedHealth / Inventory records from every producer and writes them to the store through the `Batcher`
 * (batching, conflation under backpressure, retries). FeedHealth has no table: the recorder keeps
 * the latest state per (venue, asset) and reports it as gauges.
 *
 * A broken invariant (an unknown asset index, a trade result without its trade row, a store error
 * that is not retryable) ends the thread from a fresh macrotask, exactly like a crashing handler:
 * the supervisor logs it, restarts the recorder, and escalates a crash loop to the kill switch.
 */
export function recorderActor(open: OpenRecorderStore = openConfiguredStore): ActorFactory<RecorderSlice> {
  return async (ctx: ActorContext<RecorderSlice>) => {
    const slice = ctx.slice;
    const names = new Names(slice.assets);
    const store = await open(slice);
    const crash = (e: Error) => {
      ctx.log.fatal({ err: e }, 'recorder: broken invariant; exiting');
      setImmediate(() => {
        throw e;
      });
    };
    const batcher = new Batcher({ store, clock: ctx.clock, maxRecords: slice.batch_max, maxDelayMs: slice.batch_ms, onFatal: crash });
    const received = new Float64Array(KIND_NAMES.length);
    const feeds = new Map<string, { state: number; staleness_ms: number; resyncs: number }>();
    // Last time each open window was seen above threshold, for the close record (the close event
    // itself carries the open and close times only).
    const lastAbove = new Map<string, number>();
    const opp = new Opportunity();
    const win = new WindowEvent();
    const exec = new ExecResult();
    const feed = new FeedHealth();
    const inv = new Inventory();

    const onRecord = (mem: Memory, off: number, len: number) => {
      switch (kindAt(mem, off)) {
        case Kind.Opportunity: {
          opp.read(mem, off, len);
          received[0]!++;
          batcher.addOpportunity(opportunityRecord(opp, names, ctx.clock), opportunityKey(opp));
          break;
        }
        case Kind.WindowEvent: {
          win.read(mem, off, len);
          received[1]!++;
          const id = windowIdOf(win.windowId);
          const w = windowRecord(win, names, ctx.clock, lastAbove.get(id));
          if (win.event === WindowEventType.close) lastAbove.delete(id);
          else lastAbove.set(id, w.last_above_ts_ms);
          batcher.addWindow(w);
          break;
        }
        case Kind.ExecResult: {
          exec.read(mem, off, len);
          received[2]!++;
          batcher.addExec(execUpdate(exec, names));
          break;
        }
        case Kind.FeedHealth: {
          feed.read(mem, off, len);
          received[3]!++;
          const asset = feed.asset === 0xffff ? 'all' : feed.asset === BASIS_ASSET ? 'USDC' : names.asset(feed.asset);
          feeds.set(`venue="${venueName(feed.venue)}",asset="${asset}"`, { state: feed.state, staleness_ms: feed.stalenessMs, resyncs: feed.resyncs });
          break;
        }
        case Kind.Inventory: {
          inv.read(mem, off, len);
          received[4]!++;
          batcher.addInventory(inventorySnapshots(inv, names, ctx.clock));
          break;
        }
        default:
          // A kind the recorder has no table for (a BookTop on a misrouted ring): counted, visible.
          received[5]!++;
      }
    };

    const loop = ctx.rings.doorbell
      ? new InputLoop({ mode: 'async', doorbell: ctx.rings.doorbell, inputs: ctx.rings.inputs, onRecord, onBatch: () => batcher.poke() })
      : undefined;

    return {
      start: () => loop?.start(),
      stop: async () => {
        await loop?.stop();
        await batcher.drain();
        await store.close();
      },
      stats: () => {
        const out: Record<string, number> = { ...batcher.series(), loop_passes: loop?.passes ?? 0 };
        KIND_NAMES.forEach((k, i) => (out[`cambist_recorder_records_total{kind="${k}"}`] = received[i]!));
        for (const [labels, f] of feeds) {
          out[`cambist_recorder_feed_state{${labels}}`] = f.state;
          out[`cambist_recorder_feed_staleness_seconds{${labels}}`] = f.staleness_ms / 1000;
        }
        return out;
      },
    };
  };
}
