import { appendFileSync } from 'node:fs';
import { type Clock, seededRandom } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { CambistError } from '../../shared/errors.ts';
import { openStore } from '../../shared/store/index.ts';
import { BitstampExec } from '../venues/bitstamp/exec.ts';
import { CoinbaseExec } from '../venues/coinbase/exec.ts';
import type { CexExecClient } from '../venues/common/exec-types.ts';
import { GeminiNonce } from '../venues/gemini/auth.ts';
import { GeminiExec } from '../venues/gemini/exec.ts';
import { GeminiOrderEvents } from '../venues/gemini/order-events.ts';
import { CoinbaseUserStream } from '../venues/coinbase/user-stream.ts';
import { runActor, type Output } from '../runtime/actor.ts';
import { InputLoop } from '../runtime/loop.ts';
import { SolanaDexLeg } from '../venues/solana/exec.ts';
import { JupiterClient } from '../venues/solana/jupiter/client.ts';
import { loadWallet } from '../venues/solana/wallet.ts';
import { CexLeg } from './cex-leg.ts';
import { ExecutorEngine } from './engine.ts';
import { OrderWatch } from './order-watch.ts';
import type { Leg } from './legs.ts';
import { LIFECYCLE_POINTS, type LifecyclePoint } from './trade.ts';
import type { ExecutorActorSlice } from './slice.ts';

/**
 * executor:<asset>: ExecTry in from the signal; ExecResult and Inventory back to the signal,
 * ExecResult to the recorder. It does I/O (venue REST, Solana RPC, the store), so its ring loop
 * never blocks the thread. In paper mode nothing is sent: every ExecTry is recorded observe-only.
 */
function secret(slice: ExecutorActorSlice, venue: string, name: string | undefined): string {
  const v = name ? process.env[name] : undefined;
  if (!v) {
    throw new CambistError('EXEC_NO_CREDENTIALS', `${venue}: environment variable ${name ?? '(unnamed)'} is not set; ${slice.mode} mode needs it to trade ${slice.asset}`);
  }
  return v;
}

/**
 * One CEX venue for the executor: its order client and, where the venue has one and the config
 * names its URL, the private order stream feeding an `OrderWatch` (see cex-leg.ts for what it
 * settles). Bitstamp's private channels need a separate WebSocket token and are not wired: REST only.
 */
function cexVenue(slice: ExecutorActorSlice, c: ExecutorActorSlice['cex'][number], clock: Clock, log: Logger): { client: CexExecClient; watch?: OrderWatch; stream?: { start(): void; stop(): void } } {
  // Product increments come from the config; the clients' built-in defaults are the simulator's,
  // so live mode refuses to start without them rather than rounding real orders to guesses.
  if (!c.increments && slice.mode === 'live') {
    throw new CambistError('EXEC_NO_INCREMENTS', `${c.venue} ${c.symbol}: set price_increment and size_increment on this cex_route for live mode`);
  }
  const http = { baseUrl: c.rest_url, timeoutMs: c.timeout_ms, ...(c.increments ? { products: { [c.symbol]: c.increments } } : {}) };
  const watch = c.private_ws_url ? new OrderWatch(c.venue) : undefined;
  const resync = (reason: string) => {
    if (watch) watch.resyncs++;
    log.warn({ venue: c.venue, reason }, 'order stream resync: orders it missed settle over REST');
  };
  const refused = (e: Error) => log.error({ venue: c.venue, err: e.message }, 'order stream refused by the venue: settling over REST only');
  switch (c.venue) {
    case 'coinbase': {
      const credentials = { keyName: secret(slice, c.venue, c.env.key_name_env), privateKey: secret(slice, c.venue, c.env.private_key_env) };
      const client = new CoinbaseExec({ ...http, credentials });
      if (!watch) return { client };
      const stream = new CoinbaseUserStream({ url: c.private_ws_url!, credentials, productIds: [c.symbol], clock, onUpdate: (e) => watch.observe(e.order), onResync: resync, onError: refused });
      return { client, watch, stream };
    }
    case 'gemini': {
      const credentials = { apiKey: secret(slice, c.venue, c.env.api_key_env), apiSecret: secret(slice, c.venue, c.env.api_secret_env) };
      // Gemini's nonce rule is per key across REST and the order-events handshake: one source for both.
      const nonce = new GeminiNonce({ nowMs: () => clock.nowMs() });
      const client = new GeminiExec({ ...http, credentials, nonce });
      if (!watch) return { client };
      const stream = new GeminiOrderEvents({ url: c.private_ws_url!, credentials, nonce, symbols: [c.symbol], clock, onUpdate: (e) => watch.observe(e.order), onResync: resync, onError: refused });
      return { client, watch, stream };
    }
    case 'bitstamp':
      return { client: new BitstampExec({ ...http, credentials: { apiKey: secret(slice, c.venue, c.env.api_key_env), apiSecret: secret(slice, c.venue, c.env.api_secret_env) } }) };
  }
}

/**
 * Restart-safety fault injection (tests only; environment, never a config file). The supervisor
 * restarts the worker and startup recovery must settle the trade without a second order. With
 * `CAMBIST_CHAOS_CRASH_ONE=1` each incarnation picks one point uniformly among the lifecycle points
 * (LIFECYCLE_POINTS) plus `random-time` (a uniform 0-1.5 s after a trade starts, wherever the trade
 * then is: mid-request, mid-confirmation) and dies the first time a trade reaches it.
 * `CAMBIST_CHAOS_LOG=<file>` appends one JSON line per crash (point, trade key, time) for the test.
 */
const RANDOM_TIME_MAX_MS = 1_500;
/** How long this incarnation's startup recovery took (for the chaos log). */
let recoveryMs = -1;

function chaos(name: string): { checkpoint?: (point: LifecyclePoint, key: string) => void } {
  if (process.env.CAMBIST_CHAOS_CRASH_ONE !== '1') return {};
  const random = seededRandom(Number(process.env.CAMBIST_CHAOS_SEED ?? 1) ^ (Date.now() & 0xffff) ^ (process.pid << 8));
  const logFile = process.env.CAMBIST_CHAOS_LOG;
  const crash = (point: string, key: string): never => {
    process.stderr.write(`${name}: chaos crash at ${point} (${key})\n`);
    if (logFile) appendFileSync(logFile, `${JSON.stringify({ actor: name, point, key, ts_ms: Date.now(), recovery_ms: recoveryMs })}\n`);
    process.exit(70);
  };
  const choices = [...LIFECYCLE_POINTS, 'random-time'] as const;
  let chosen: (typeof choices)[number] = choices[Math.floor(random() * choices.length)]!;
  let timerSet = false;
  let finished = 0;
  return {
    checkpoint: (point, key) => {
      // A point some trades never reach (the hedge needs a partial fill): after three trades
      // finished without it, die at a random instant instead.
      if (point === 'after-final' && chosen !== 'after-final' && ++finished >= 3) chosen = 'random-time';
      if (chosen === 'random-time') {
        if (timerSet) return;
        timerSet = true;
        const at = random() * RANDOM_TIME_MAX_MS;
        setTimeout(() => crash(`random-time+${Math.round(at)}ms`, key), at);
      } else if (point === chosen) crash(point, key);
    },
  };
}

runActor<ExecutorActorSlice>(async (ctx) => {
  const s = ctx.slice;
  const find = (to: string): Output | undefined => [...ctx.outputs].find(([name]) => name.endsWith(`->${to}`))?.[1];
  const store = await openStore({ kind: s.store.kind, dataDir: s.store.data_dir, ...(s.store.kind === 'mongodb' ? { mongoUrl: process.env[s.store.mongodb_url_env] ?? '' } : {}) });
  const clients: CexExecClient[] = [];
  const streams: { start(): void; stop(): void }[] = [];
  const watches: OrderWatch[] = [];
  const cex = new Map<number, Leg>();
  const dex = new Map<number, Leg>();
  if (s.mode !== 'paper') {
    for (const c of s.cex) {
      const v = cexVenue(s, c, ctx.clock, ctx.log);
      clients.push(v.client);
      if (v.stream) streams.push(v.stream);
      if (v.watch) watches.push(v.watch);
      cex.set(c.venue_id, new CexLeg(v.client, c.symbol, c.base, c.quote, ctx.clock, c.timeout_ms, Number(c.increments?.sizeIncrement ?? '0.00000001'), v.watch));
    }
    if (s.dex.length > 0) {
      const wallet = loadWallet(s.dex[0]!.wallet_env);
      for (const d of s.dex) {
        if (!d.mints) throw new CambistError('EXEC_NO_MINTS', `${d.name}: the mints of ${s.asset} are not known; set dex_route.base_mint and its decimals`);
        // CPMM has no direct builder: it routes through Jupiter pinned to our pool.
        const viaJupiter = d.program === 'raydium_cpmm';
        if (viaJupiter && !d.jupiter_url) throw new CambistError('EXEC_NO_JUPITER', `${d.name}: a CPMM route needs venues.jupiter.urls.${s.mode}`);
        dex.set(
          d.route,
          new SolanaDexLeg({
            urls: { http: d.rpc_http, ws: d.rpc_ws },
            route: { program: d.program, pool: d.pool_address, via: viaJupiter ? 'jupiter' : 'direct', slippageBpsCap: d.slippage_bps_cap },
            mints: d.mints,
            wallet,
            clock: ctx.clock,
            options: { venue: d.name },
            deps: { log: ctx.log, ...(d.jupiter_url ? { jupiter: new JupiterClient({ baseUrl: d.jupiter_url, clock: ctx.clock, random: seededRandom(d.route + 1) }) } : {}) },
          }),
        );
      }
    }
  }
  const engine = new ExecutorEngine(s, {
    store,
    clock: ctx.clock,
    log: ctx.log,
    control: ctx.control,
    cex,
    dex,
    out: { signal: find(`signal:${s.asset}`), recorder: find('recorder') },
    requestControl: (r) => ctx.requestControl(r),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...chaos(ctx.name),
  });
  const loop = ctx.rings.doorbell
    ? new InputLoop({ mode: 'async', doorbell: ctx.rings.doorbell, inputs: ctx.rings.inputs, onRecord: (m, o, l) => engine.onRecord(m, o, l) })
    : undefined;
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | undefined;
  let recovered = 0;
  let booting: Promise<void> | undefined;
  return {
    start: () => {
      // Ready does not wait on the venues: recovery and the first balance read run in the
      // background, and only then does the loop take ExecTry records (they wait in the ring, which
      // never drops them). A failure here is not venue weather: it crashes the actor (crash-only).
      // The private order streams first: an order this incarnation sends is then already watched.
      for (const st of streams) st.start();
      booting = (async () => {
        const t0 = performance.now();
        recovered = await engine.recover();
        await engine.restoreRiskDay();
        recoveryMs = Math.round(performance.now() - t0);
        engine.announceStarted();
        // Balances are re-read in the background: the signal sizes on its last inventory until
        // they arrive, and every trade's legs are capped anyway.
        refreshing ??= engine.refreshInventory().finally(() => (refreshing = undefined));
        loop?.start();
      })();
      void booting.catch((e: unknown) =>
        setImmediate(() => {
          throw e;
        }),
      );
      let ticks = 0;
      timer = setInterval(() => {
        engine.checkExposure();
        // Every ~30 s, try again to settle trades whose outcome is still unknown.
        const settle = ++ticks % Math.max(1, Math.round(30_000 / s.inventory_every_ms)) === 0;
        refreshing ??= (settle ? engine.recover(true).then(() => engine.refreshInventory()) : engine.refreshInventory()).finally(() => (refreshing = undefined));
      }, s.inventory_every_ms);
    },
    stop: async () => {
      clearInterval(timer);
      await booting?.catch(() => undefined);
      await loop?.stop();
      await refreshing;
      await engine.drain();
      for (const st of streams) st.stop();
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all([...dex.values()].map((l) => l.close?.()));
      await store.close();
    },
    configure: (slice) => engine.configure(slice as ExecutorActorSlice),
    stats: () => ({
      ...engine.counts,
      recovered,
      cex_legs: cex.size,
      ...Object.fromEntries(watches.flatMap((w) => [[`order_stream_${w.venue}_updates`, w.updates], [`order_stream_${w.venue}_resyncs`, w.resyncs]])),
      dex_legs: dex.size,
      pnl_today: engine.risk.pnlToday,
      unhedged_quote: engine.risk.unhedgedQuote,
      unhedged_quote_sec: engine.risk.unhedgedQuoteSec,
      [`cambist_unhedged_notional{asset="${s.asset}"}`]: engine.risk.unhedgedQuote,
      [`cambist_prediction_error_ratio{asset="${s.asset}"}`]: engine.predictionErrorMedian(),
      ...engine.detectToFill.cex.series('cambist_detect_to_fill_seconds', `asset="${s.asset}",leg="cex"`),
      ...engine.detectToFill.dex.series('cambist_detect_to_fill_seconds', `asset="${s.asset}",leg="dex"`),
      [`cambist_trades_total{asset="${s.asset}",outcome="verified"}`]: engine.counts.verified,
      [`cambist_trades_total{asset="${s.asset}",outcome="hedged"}`]: engine.counts.hedged,
      [`cambist_trades_total{asset="${s.asset}",outcome="unhedged"}`]: engine.counts.unhedged,
      [`cambist_trades_total{asset="${s.asset}",outcome="unknown"}`]: engine.counts.unknown,
      [`cambist_trades_total{asset="${s.asset}",outcome="rejected"}`]: engine.counts.rejected,
      [`cambist_trades_total{asset="${s.asset}",outcome="observe_only"}`]: engine.counts.observe_only,
    }),
  };
});
