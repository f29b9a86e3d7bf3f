/**
 * A coherent, seeded L2 update stream (perf-limits.md §3 recipe): ~1,000 levels per side at tick
 * 0.01, 1–5 updates per message (mean ~3), update distance from mid 1 + Exp(mean 15 ticks); an
 * existing level is deleted 35% of the time and resized otherwise, an absent one is inserted; in 10%
 * of messages the mid moves one tick and the level it crosses is deleted. Same seed → same stream.
 */
import { seededRandom } from '../../src/shared/clock.ts';

export interface Stream {
  /** Snapshot levels. */
  snapBidPx: Float64Array;
  snapBidSz: Float64Array;
  snapAskPx: Float64Array;
  snapAskSz: Float64Array;
  /** Message i covers updates [msgStart[i], msgStart[i+1]). */
  msgStart: Int32Array;
  side: Uint8Array;
  px: Float64Array;
  sz: Float64Array;
  messages: number;
  updates: number;
}

const TICK_DIV = 100; // price = tick / 100: the same double that parsing "123.45" gives.

export function generateStream(seed: number, messages: number, depth = 1000): Stream {
  const rnd = seededRandom(seed);
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const size = () => Math.round((0.0001 + rnd() * 2) * 1e8) / 1e8;
  let mid = 5_000_000; // ticks: price 50,000.00
  const live: [Set<number>, Set<number>] = [new Set(), new Set()];
  const snap: [number[], number[], number[], number[]] = [[], [], [], []];
  for (let d = 1; d <= depth; d++) {
    const sb = size();
    const sa = size();
    live[0].add(mid - d);
    live[1].add(mid + d);
    snap[0].push((mid - d) / TICK_DIV);
    snap[1].push(sb);
    snap[2].push((mid + d) / TICK_DIV);
    snap[3].push(sa);
  }
  const cap = messages * 6;
  const side = new Uint8Array(cap);
  const px = new Float64Array(cap);
  const sz = new Float64Array(cap);
  const msgStart = new Int32Array(messages + 1);
  let u = 0;
  for (let m = 0; m < messages; m++) {
    msgStart[m] = u;
    if (rnd() < 0.1) {
      // Mid moves one tick; the level now sitting on the mid would cross, so it is deleted.
      const up = rnd() < 0.5;
      mid += up ? 1 : -1;
      const s = up ? 1 : 0;
      if (live[s].delete(mid)) {
        side[u] = s;
        px[u] = mid / TICK_DIV;
        sz[u] = 0;
        u++;
      }
    }
    const k = 1 + Math.floor(rnd() * 5);
    for (let j = 0; j < k; j++) {
      const s = rnd() < 0.5 ? 0 : 1;
      const d = 1 + Math.floor(exp(15));
      const tick = s === 0 ? mid - d : mid + d;
      let q: number;
      if (live[s].has(tick)) {
        if (rnd() < 0.35) {
          live[s].delete(tick);
          q = 0;
        } else q = size();
      } else {
        live[s].add(tick);
        q = size();
      }
      side[u] = s;
      px[u] = tick / TICK_DIV;
      sz[u] = q;
      u++;
    }
  }
  msgStart[messages] = u;
  return {
    snapBidPx: Float64Array.from(snap[0]),
    snapBidSz: Float64Array.from(snap[1]),
    snapAskPx: Float64Array.from(snap[2]),
    snapAskSz: Float64Array.from(snap[3]),
    msgStart,
    side: side.subarray(0, u),
    px: px.subarray(0, u),
    sz: sz.subarray(0, u),
    messages,
    updates: u,
  };
}

function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** Coinbase `l2_data` JSON text for messages [from, to) of the stream, one envelope each. */
export function coinbaseJson(st: Stream, from: number, to: number): string[] {
  const out: string[] = [];
  for (let m = from; m < to; m++) {
    const ups: string[] = [];
    for (let i = st.msgStart[m]!; i < st.msgStart[m + 1]!; i++) {
      ups.push(
        `{"side":"${st.side[i] === 0 ? 'bid' : 'offer'}","event_time":"2023-02-09T20:32:50.714964855Z",` +
          `"price_level":"${st.px[i]!.toFixed(2)}","new_quantity":"${st.sz[i]!.toFixed(8)}"}`,
      );
    }
    // Through a Buffer, as a ws handler receives it: a flat string, not a tree of concatenations.
    out.push(
      flat(`{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":${m + 1},` +
        `"events":[{"type":"update","product_id":"BTC-USD","updates":[${ups.join(',')}]}]}`),
    );
  }
  return out;
}

/** The snapshot as a Coinbase `l2_data` snapshot message. */
export function coinbaseSnapshotJson(st: Stream): string {
  const ups: string[] = [];
  const t = '1970-01-01T00:00:00Z';
  for (let i = 0; i < st.snapBidPx.length; i++) {
    ups.push(`{"side":"bid","event_time":"${t}","price_level":"${st.snapBidPx[i]!.toFixed(2)}","new_quantity":"${st.snapBidSz[i]!.toFixed(8)}"}`);
  }
  for (let i = 0; i < st.snapAskPx.length; i++) {
    ups.push(`{"side":"offer","event_time":"${t}","price_level":"${st.snapAskPx[i]!.toFixed(2)}","new_quantity":"${st.snapAskSz[i]!.toFixed(8)}"}`);
  }
  return flat(`{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50Z","sequence_num":0,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[${ups.join(',')}]}]}`);
}
