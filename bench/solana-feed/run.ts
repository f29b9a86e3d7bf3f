// Solana feed hot path: account notification received → PoolQuote in the ring, for a 16-point
// Whirlpool ladder (8 sizes × 2 directions), in process against a loopback JSON-RPC/PubSub server.
// Usage: npx tsx bench/solana-feed/run.ts [--n 2000] [--json FILE]
import { writeFileSync } from 'node:fs';
import { address } from '@solana/kit';
import { getFixedTickArrayEncoder } from '@orca-so/whirlpools-client';
import { Output } from '../../src/actors/runtime/actor.ts';
import { tickArrayAddress } from '../../src/actors/venues/solana/accounts.ts';
import { WHIRLPOOL_PROGRAM_ID } from '../../src/actors/venues/solana/dex/programs.ts';
import type { Tick } from '../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { sqrtPriceAtTick, tickArrayStartIndexes } from '../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { SolanaFeed } from '../../src/actors/venues/solana/feed.ts';
import { SolanaHttpRpc } from '../../src/actors/venues/solana/rpc.ts';
import { seededRandom, systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/log.ts';
import { RingConsumer, createDoorbell, createRing } from '../../src/shared/ring/index.ts';
import { LoopbackSolana, WHIRLPOOL, whirlpoolAccount } from '../../test/unit/venues/solana/feed-fixture.ts';
import { feedSlice, poolSlice } from '../../test/unit/venues/solana/feed-harness.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('n') ?? 2000);
const WARMUP = 300;

// The reference SOL/USDC state with 12 nested positions around the price (as bench/dex-quote), so the
// large sizes cross initialized ticks.
const TS = 4;
const CUR = -18835;
const emptyTick = (): Tick => ({ initialized: false, liquidityNet: 0n, liquidityGross: 0n, feeGrowthOutsideA: 0n, feeGrowthOutsideB: 0n, rewardGrowthsOutside: [0n, 0n, 0n] });
const starts = tickArrayStartIndexes(CUR, TS, 9);
const arrays = starts.map((s) => ({ start: s, ticks: Array.from({ length: 88 }, emptyTick) }));
let active = 740_600_641_175_286n;
for (let k = 1; k <= 12; k++) {
  const l = 5_000_000_000_000n * BigInt(k);
  const base = CUR - (CUR % TS);
  for (const [t, d] of [[base - 4 * k, l], [base + 4 * k, -l]] as const) {
    const a = arrays.find((x) => t >= x.start && t < x.start + 88 * TS)!;
    const i = (t - a.start) / TS;
    a.ticks[i] = { ...a.ticks[i]!, initialized: true, liquidityNet: a.ticks[i]!.liquidityNet + d, liquidityGross: a.ticks[i]!.liquidityGross + (d < 0n ? -d : d) };
  }
  active += l;
}

async function run(label: string, ladder: number[] | null): Promise<Record<string, number | string>> {
  const srv = new LoopbackSolana();
  for (const a of arrays) {
    const data = Uint8Array.from(getFixedTickArrayEncoder().encode({ startTickIndex: a.start, ticks: a.ticks, whirlpool: address(WHIRLPOOL) }));
    srv.accounts.set(tickArrayAddress(WHIRLPOOL, a.start), { owner: WHIRLPOOL_PROGRAM_ID, data });
  }
  const poolAt = (tick: number) => whirlpoolAccount({ sqrtPrice: sqrtPriceAtTick(tick), tick, liquidity: active });
  srv.accounts.set(WHIRLPOOL, poolAt(CUR));
  await srv.start();
  const slice = feedSlice(srv, { pools: [poolSlice(0, { ladder_sizes_quote: ladder })], stale_ms: 60_000, jupiter_url: null });
  const ring = createRing({ name: 'bench', capacityBytes: 1 << 22, policy: 'drop-oldest' });
  const consumer = new RingConsumer(ring);
  const samples: number[] = [];
  let published = 0;
  const rpc = new SolanaHttpRpc(slice.http_url);
  const feed = new SolanaFeed({
    slice, rpc, wsUrl: slice.ws_url, jupiter: null, assetOutputs: new Map([[0, [new Output(ring, createDoorbell())]]]), healthOutputs: [],
    clock: systemClock, random: seededRandom(1), log: createLogger({ level: 'silent' }),
    onDirectPublished: (recvUs, doneUs) => {
      published++;
      samples.push(doneUs - recvUs);
    },
  });
  await feed.start();
  while (srv.subscribedKeys().size < 8) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200)); // let the post-subscribe resnapshot land
  samples.length = 0;
  let unfilled = 0;
  for (let i = 0; i < WARMUP + N; i++) {
    if (i === WARMUP) {
      samples.length = 0;
      unfilled = feed.routes[0]!.unfilled;
    }
    srv.slot++;
    const want = published + 1;
    // Stay inside the current tick array (no resubscription) but move the price every update.
    srv.set([[WHIRLPOOL, poolAt(CUR + (i % 2 === 0 ? 1 : -1))]]);
    while (published < want) await new Promise((r) => setImmediate(r));
    consumer.drain(() => undefined, 1_000);
  }
  unfilled = feed.routes[0]!.unfilled - unfilled;
  await feed.stop();
  await rpc.close();
  await srv.close();
  const s = samples.sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { case: label, n: s.length, p50_us: +q(0.5).toFixed(1), p90_us: +q(0.9).toFixed(1), p99_us: +q(0.99).toFixed(1), max_us: +s[s.length - 1]!.toFixed(1), unfilled_points: unfilled };
}

const results = [
  await run('default ladder (8 × 2, up to 500 USDC)', null),
  await run('deep ladder (8 × 2, 10 … 750 000 USDC, crosses ticks)', [10, 100, 1_000, 5_000, 20_000, 50_000, 100_000, 750_000]),
];
console.table(results);
console.log(`target: p50 ≤ 100 µs (notification received → PoolQuote in the ring); Node ${process.version}`);
const out = arg('json');
if (out) writeFileSync(out, JSON.stringify({ bench: 'solana-feed', node: process.version, results }, null, 2));
