import { runActor, type Output } from '../runtime/actor.ts';
import { InputLoop } from '../runtime/loop.ts';
import { SignalEngine } from './engine.ts';
import { restoreWindows } from './restore.ts';
import type { SignalSlice } from './slice.ts';

/**
 * signal:<asset> (one worker per asset, pure compute, blocking ring loop): market data in from
 * every feed and results back from the executor; ExecTry out to the executor, Opportunity and
 * WindowEvent out to the recorder.
 */
runActor<SignalSlice>(async (ctx) => {
  const find = (to: string): Output | undefined => [...ctx.outputs].find(([name]) => name.endsWith(`->${to}`))?.[1];
  const engine = new SignalEngine(ctx.slice, ctx.clock, ctx.control, {
    executor: find(`executor:${ctx.slice.asset}`),
    recorder: find('recorder'),
    requestControl: (r) => ctx.requestControl(r),
  });
  for (const w of await restoreWindows(ctx.slice)) engine.windows.restore(w);
  const loop = ctx.rings.doorbell
    ? new InputLoop({ mode: 'blocking', doorbell: ctx.rings.doorbell, inputs: ctx.rings.inputs, onRecord: (m, o, l) => engine.onRecord(m, o, l) })
    : undefined;
  let sweeper: NodeJS.Timeout | undefined;
  return {
    start: () => {
      loop?.start();
      sweeper = setInterval(() => engine.sweep(), 250);
    },
    stop: async () => {
      clearInterval(sweeper);
      await loop?.stop();
    },
    configure: (slice) => engine.configure(slice as SignalSlice),
    stats: () => {
      const s = engine.state;
      const h = engine.tickToSignal;
      const c: Record<string, number> = {
        books: s.books,
        pool_quotes: s.quotes,
        evaluations: engine.evaluations,
        exec_tries: engine.execTries,
        opportunities: engine.opportunities,
        open_windows: [...engine.windows.all()].length,
        tick_to_signal_p50_us: h.quantileUs(0.5),
        tick_to_signal_p99_us: h.quantileUs(0.99),
        ...h.series('cambist_tick_to_signal_seconds', `asset="${ctx.slice.asset}"`),
        ...engine.frameToSignal.series('cambist_frame_to_signal_seconds', `asset="${ctx.slice.asset}"`),
        [`cambist_opportunities_total{asset="${ctx.slice.asset}",direction="buy_cex_sell_dex"}`]: engine.opportunitiesByDirection[1]!,
        [`cambist_opportunities_total{asset="${ctx.slice.asset}",direction="buy_dex_sell_cex"}`]: engine.opportunitiesByDirection[2]!,
      };
      for (const [name, id] of [['coinbase', 1], ['gemini', 2], ['bitstamp', 3]] as const) c[`books_${name}`] = s.bookUpdates[id]!;
      c.pool_updates = s.poolUpdates.reduce((a, b) => a + b, 0);
      if (ctx.slice.basis) {
        // The USD per USDC the PnL is converted at right now, and how far it is from par.
        const usd = engine.usdPerUsdc();
        c.basis_updates = s.basisUpdates;
        c[`cambist_basis_usd_per_usdc{asset="${ctx.slice.asset}"}`] = usd;
        c[`cambist_basis_bps{asset="${ctx.slice.asset}"}`] = (usd - 1) * 1e4;
        c[`cambist_basis_age_seconds{asset="${ctx.slice.asset}"}`] = s.basisRecvUs > 0 ? (ctx.clock.monoUs() - s.basisRecvUs) / 1e6 : -1;
      }
      return c;
    },
  };
});
