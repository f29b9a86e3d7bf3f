import { VENUE_NAMES } from '../../shared/messages/index.ts';
import { runActor } from '../runtime/actor.ts';
import { InputLoop } from '../runtime/loop.ts';
import { MarketState } from './market-state.ts';

/**
 * signal:<asset> (one worker per asset, pure compute, blocking ring loop).
 *
 * Today it keeps the market state for its asset from every feed ring and measures tick→signal
 * latency (feed receive time → the moment this actor has the tick). Opportunity evaluation,
 * sizing, windows and ExecTry emission build on this state (issue "Signal, execution and risk").
 */
runActor((ctx) => {
  const state = new MarketState();
  let lastTickToSignalUs = 0;
  const loop = ctx.rings.doorbell
    ? new InputLoop({
        mode: 'blocking',
        doorbell: ctx.rings.doorbell,
        inputs: ctx.rings.inputs,
        onRecord: (mem, off, len) => {
          const recvUs = state.apply(mem, off, len);
          if (recvUs > 0) lastTickToSignalUs = ctx.clock.monoUs() - recvUs;
        },
      })
    : undefined;
  return {
    start: () => loop?.start(),
    stop: () => loop?.stop(),
    stats: () => {
      const c: Record<string, number> = { books: state.books, pool_quotes: state.quotes, other: state.other, last_tick_to_signal_us: lastTickToSignalUs, loop_passes: loop?.passes ?? 0 };
      VENUE_NAMES.forEach((v, i) => (c[`books_${v}`] = state.bookUpdates[i + 1]!));
      return c;
    },
  };
});
