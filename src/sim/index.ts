import { type Clock, systemClock } from '../shared/clock.ts';
import { startControlServer } from './control.ts';
import { generateKeyring, type SimCredentials } from './credentials.ts';
import { MatchingEngine } from './matching/engine.ts';
import { bitstampRest } from './venues/bitstamp/rest.ts';
import { coinbaseRest, coinbaseUserChannel } from './venues/coinbase/rest.ts';
import { geminiRest } from './venues/gemini/rest.ts';
import { type FaultRequest, VenueFaults } from './faults.ts';
import type { Asset } from './market/assets.ts';
import { type AutoDislocations, DEFAULT_AUTO_DISLOCATIONS, type DislocationSpec, type TruthWindow } from './market/dislocations.ts';
import { MarketModel } from './market/model.ts';
import { type Scheduler, timerScheduler } from './market/scheduler.ts';
import { startBitstampServer } from './venues/bitstamp/server.ts';
import { startCoinbaseServer } from './venues/coinbase/server.ts';
import { startGeminiServer } from './venues/gemini/server.ts';
import { startJupiterServer } from './venues/jupiter/server.ts';
import { SolanaChain, type WalletFunding } from './venues/solana/chain.ts';
import { defaultPools } from './venues/solana/pools.ts';
import { startSolanaServer } from './venues/solana/server.ts';

export type SimVenue = 'coinbase' | 'gemini' | 'bitstamp' | 'solana' | 'jupiter';

export interface SimOptions {
  seed: number;
  assets?: readonly Asset[];
  /** Per-server port; 0 or absent = ephemeral. */
  ports?: Partial<Record<SimVenue | 'control', number>>;
  clock?: Clock;
  /** Inject a ManualScheduler to step the whole simulator deterministically. */
  scheduler?: Scheduler;
  tick_ms?: number;
  /** Seeded random dislocations; `false` turns them off (tests that inject their own). */
  auto_dislocations?: AutoDislocations | false;
  /** Dislocations scheduled at start (delay_ms relative to start). */
  dislocations?: DislocationSpec[];
  coinbase?: { subscribe_deadline_ms?: number; heartbeat_ms?: number };
  bitstamp?: { reconnect_grace_ms?: number };
  /** Extra wallets to fund on the simulated chain (SOL, wSOL and USDC ATAs); one is always generated. */
  solana?: { wallets?: WalletFunding[] };
}

export interface SimUrls {
  coinbase: { ws: string; ws_user: string; rest: string };
  gemini: { ws: string; rest: string };
  bitstamp: { ws: string; rest: string };
  solana: { http: string; ws: string };
  jupiter: { http: string };
  control: string;
}

export interface SimFaults {
  inject(f: FaultRequest): void;
  venue(v: SimVenue): VenueFaults;
}

/** The simulated Solana cluster behind `urls.solana` / `urls.jupiter`. */
export interface SimSolana {
  chain: SolanaChain;
  /** A funded wallet generated from the seed (100 SOL, 5 000 wSOL, 1 000 000 USDC); the secret is for tests and sim mode only. */
  wallet: { publicKey: string; secretKey: Uint8Array };
  fund(w: WalletFunding): void;
}

export interface Sim {
  urls: SimUrls;
  market: MarketModel;
  /** The CEX matching engine and accounts behind the private REST APIs. */
  engine: MatchingEngine;
  /** Test keys generated for this run only. */
  credentials: SimCredentials;
  solana: SimSolana;
  truth(): TruthWindow[];
  faults: SimFaults;
  close(): Promise<void>;
}

/** Start the seeded market and every venue server on loopback. The engine calls this in sim mode. */
export async function startSim(opts: SimOptions): Promise<Sim> {
  const scheduler = opts.scheduler ?? timerScheduler(opts.clock ?? systemClock);
  const market = new MarketModel({
    seed: opts.seed,
    scheduler,
    assets: opts.assets,
    tick_ms: opts.tick_ms,
    auto_dislocations: opts.auto_dislocations === false ? undefined : (opts.auto_dislocations ?? DEFAULT_AUTO_DISLOCATIONS),
  });
  const venueFaults: Record<SimVenue, VenueFaults> = {
    coinbase: new VenueFaults('coinbase', scheduler),
    gemini: new VenueFaults('gemini', scheduler),
    bitstamp: new VenueFaults('bitstamp', scheduler),
    solana: new VenueFaults('solana', scheduler),
    jupiter: new VenueFaults('jupiter', scheduler),
  };
  const faults: SimFaults = {
    inject(f) {
      const vf = venueFaults[f.venue as SimVenue];
      if (vf === undefined) throw new RangeError(`unknown sim venue ${f.venue}`);
      vf.apply(f);
    },
    venue: (v) => venueFaults[v],
  };
  const keyring = generateKeyring();
  const engine = new MatchingEngine(market, venueFaults);
  const cbDeps = { model: market, engine, keys: keyring.coinbase };
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    market.stop();
    for (const f of Object.values(venueFaults)) f.close();
    const results = await Promise.allSettled(closers.splice(0).reverse().map((c) => c()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  try {
    const p = opts.ports ?? {};
    const coinbase = await startCoinbaseServer({ model: market, scheduler, faults: venueFaults.coinbase, port: p.coinbase, ...opts.coinbase,
      rest: coinbaseRest(cbDeps),
      user: coinbaseUserChannel(cbDeps),
    });
    closers.push(coinbase.close);
    const gemini = await startGeminiServer({ model: market, scheduler, faults: venueFaults.gemini, port: p.gemini,
      rest: geminiRest({ model: market, engine, keys: keyring.gemini }),
    });
    closers.push(gemini.close);
    const bitstamp = await startBitstampServer({ model: market, scheduler, faults: venueFaults.bitstamp, port: p.bitstamp, ...opts.bitstamp,
      privateRest: bitstampRest({ model: market, engine, keys: keyring.bitstamp }),
    });
    closers.push(bitstamp.close);
    const chain = new SolanaChain(market, venueFaults.solana, defaultPools(market.assets), opts.seed, opts.solana?.wallets);
    closers.push(async () => chain.close());
    const solana = await startSolanaServer({ chain, scheduler, faults: venueFaults.solana, port: p.solana });
    closers.push(solana.close);
    const jupiter = await startJupiterServer({ chain, scheduler, faults: venueFaults.jupiter, port: p.jupiter });
    closers.push(jupiter.close);
    const control = await startControlServer(
      { seed: opts.seed, truth: () => market.truth(), nowMs: () => scheduler.clock.nowMs(), inject: faults.inject, dislocate: (d) => market.dislocate(d) },
      p.control,
    );
    closers.push(control.close);
    for (const d of opts.dislocations ?? []) market.dislocate(d);
    market.start();
    return {
      urls: {
        coinbase: { ws: coinbase.ws, ws_user: coinbase.ws_user, rest: coinbase.rest },
        gemini: { ws: gemini.ws, rest: gemini.rest },
        bitstamp: { ws: bitstamp.ws, rest: bitstamp.rest },
        solana: { http: solana.httpUrl, ws: solana.wsUrl('/') },
        jupiter: { http: jupiter.httpUrl },
        control: control.httpUrl,
      },
      market,
      engine,
      credentials: keyring.credentials,
      solana: {
        chain,
        wallet: { publicKey: chain.wallet.publicKey.toBase58(), secretKey: chain.wallet.secretKey },
        fund: (w) => chain.fund(w),
      },
      truth: () => market.truth(),
      faults,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export type { FaultRequest } from './faults.ts';
export type { WalletFunding } from './venues/solana/chain.ts';
export type { DislocationSpec, TruthWindow } from './market/dislocations.ts';
export { ManualScheduler, timerScheduler } from './market/scheduler.ts';
