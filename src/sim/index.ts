import { type Clock, systemClock } from '../shared/clock.ts';
import { SIM_VENUES, startControlServer } from './control.ts';
import { generateKeyring, type SimCredentials } from './credentials.ts';
import { DEFAULT_ELIGIBILITY, type Eligibility, poolSizer } from './eligible.ts';
import { healthReport, type SimStats } from './health.ts';
import { LoadDriver, type LoadSpec } from './load.ts';
import type { VenueProfile } from './profile.ts';
import { ordersReport } from './report.ts';
import { loadScenario, type Scenario } from './scenario.ts';
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
  /**
   * A scenario (`config/scenarios/<name>.yaml`, a path, or a loaded one): assets, tick, dislocations,
   * eligibility and per-venue latency/fault profiles. Options given here win over the scenario's.
   */
  scenario?: string | Scenario;
  /** How the truth record's eligible size is measured (default: 100 bps net after fees and a 75 bps haircut). */
  eligibility?: Eligibility;
  /** Per-venue latency and fault rates (merged over the scenario's). */
  profiles?: Partial<Record<SimVenue, VenueProfile>>;
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
  /** Generate book traffic at this rate from the start (`load.ts`; wins over the scenario's `load`). */
  load?: LoadSpec;
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
  /** Set a venue's standing latency/fault profile (`merge`: update only the given fields). */
  configure(v: SimVenue, p: VenueProfile, merge?: boolean): void;
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
  /** The scenario this run was started with, if any. */
  scenario: Scenario | undefined;
  seed: number;
  /** Step the market at a book-update rate (`load.ts`); null hands the ticks back to the model's timer. */
  setLoad(load: LoadSpec | null): void;
  /** Cumulative counters: book updates, frames sent per venue, this thread's CPU, the load driver's steps. */
  stats(): SimStats;
  close(): Promise<void>;
}

/** Start the seeded market and every venue server on loopback. The engine calls this in sim mode. */
export async function startSim(opts: SimOptions): Promise<Sim> {
  const scenario = typeof opts.scenario === 'string' ? loadScenario(opts.scenario) : opts.scenario;
  const scheduler = opts.scheduler ?? timerScheduler(opts.clock ?? systemClock);
  const auto = opts.auto_dislocations ?? (scenario === undefined ? DEFAULT_AUTO_DISLOCATIONS : scenario.dislocations.auto);
  const market = new MarketModel({
    seed: opts.seed,
    scheduler,
    assets: opts.assets ?? scenario?.assets,
    tick_ms: opts.tick_ms ?? scenario?.tick_ms,
    auto_dislocations: auto === false ? undefined : auto,
  });
  const mkFaults = (v: SimVenue): VenueFaults => new VenueFaults(v, scheduler, opts.seed);
  const venueFaults: Record<SimVenue, VenueFaults> = {
    coinbase: mkFaults('coinbase'),
    gemini: mkFaults('gemini'),
    bitstamp: mkFaults('bitstamp'),
    solana: mkFaults('solana'),
    jupiter: mkFaults('jupiter'),
  };
  const faults: SimFaults = {
    inject(f) {
      const vf = venueFaults[f.venue as SimVenue];
      if (vf === undefined) throw new RangeError(`unknown sim venue ${f.venue}`);
      vf.apply(f);
    },
    venue: (v) => venueFaults[v],
    configure: (v, p, merge = false) => venueFaults[v].configure(p, merge),
  };
  for (const v of SIM_VENUES) {
    const p = { ...scenario?.venues[v], ...opts.profiles?.[v] };
    if (Object.keys(p).length > 0) venueFaults[v].configure(p);
  }
  const eligibility = opts.eligibility ?? scenario?.eligibility ?? DEFAULT_ELIGIBILITY;
  const keyring = generateKeyring();
  const engine = new MatchingEngine(market, venueFaults);
  const cbDeps = { model: market, engine, keys: keyring.coinbase };
  const closers: (() => Promise<void>)[] = [];
  const driver = new LoadDriver(market);
  const closeAll = async (): Promise<void> => {
    driver.stop();
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
    market.setSizer(poolSizer(market, chain, eligibility));
    const servers = { coinbase: coinbase.server, gemini: gemini.server, bitstamp: bitstamp.server, solana, jupiter };
    const health = healthReport({ seed: opts.seed, scenario: scenario?.name ?? null, market, chain, scheduler, tick_ms: opts.tick_ms ?? scenario?.tick_ms ?? 100, servers, faults: venueFaults, load: () => driver.stats() });
    closers.push(async () => health.close());
    const control = await startControlServer(
      {
        seed: opts.seed,
        scenario: scenario?.name ?? null,
        eligibility,
        truth: () => market.truth(),
        nowMs: () => scheduler.clock.nowMs(),
        inject: faults.inject,
        dislocate: (d) => market.dislocate(d),
        jump: (asset, bps) => {
          if (!market.hasAsset(asset)) throw new RangeError(`jump: asset ${asset} is not simulated`);
          market.jump(asset, bps);
        },
        orders: (venue) => ordersReport(engine, chain, market, venue),
        health: () => health.report(),
        profiles: () => Object.fromEntries(SIM_VENUES.map((v) => [v, venueFaults[v].profile])) as Record<SimVenue, VenueProfile>,
        configure: (v, prof, merge) => venueFaults[v].configure(prof, merge),
        setLoad: (l) => driver.set(l),
        stats: () => health.stats(),
      },
      p.control,
    );
    closers.push(control.close);
    for (const d of [...(scenario?.dislocations.scheduled ?? []), ...(opts.dislocations ?? [])]) market.dislocate(d);
    market.start();
    for (const d of scenario?.depegs ?? []) {
      const t = scheduler.after(d.delay_ms, () => market.usdc.depeg(d.bps, d.duration_ms, scheduler.clock.nowMs()));
      closers.push(async () => t.cancel());
    }
    const load = opts.load ?? scenario?.load;
    if (load !== undefined) driver.set(load);
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
      scenario,
      seed: opts.seed,
      setLoad: (l) => driver.set(l),
      stats: () => health.stats(),
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

export type { FaultRequest } from './faults.ts';
export type { SimStats } from './health.ts';
export type { LoadSpec, LoadStats } from './load.ts';
export type { Eligibility } from './eligible.ts';
export type { VenueProfile } from './profile.ts';
export { listScenarios, loadScenario, parseScenario, type Scenario, ScenarioError } from './scenario.ts';
export type { WalletFunding } from './venues/solana/chain.ts';
export type { DislocationSpec, TruthWindow } from './market/dislocations.ts';
export { ManualScheduler, timerScheduler } from './market/scheduler.ts';
