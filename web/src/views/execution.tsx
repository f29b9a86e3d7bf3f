import { createMemo, For } from 'solid-js';
import { ms, time, usd } from '../format.ts';
import { now } from '../clock.ts';
import { trades } from '../state.ts';
import { TERMINAL_STATES } from '../types.ts';
import { LegTags } from './legs.tsx';

/** Trades not yet in a terminal state, with each leg's state: where the money is right now. */
export function Execution() {
  const inFlight = createMemo(() => trades().filter((t) => !TERMINAL_STATES.includes(t.state)));
  return (
    <section data-testid="view-execution">
      <h1>Execution Monitor</h1>
      <div class="card">
        <table data-testid="execution-table">
          <thead>
            <tr>
              <th>started</th><th>trade</th><th>pair</th><th>state</th><th>legs</th><th class="num">pred. PnL</th><th class="num">age</th><th>reason</th>
            </tr>
          </thead>
          <tbody>
            <For each={inFlight()} fallback={<tr><td colspan="8" class="empty" data-testid="execution-empty">No trades in flight.</td></tr>}>
              {(t) => (
                <tr data-testid="execution-row">
                  <td>{time(t.created_ts_ms)}</td><td>{t.trade_key}</td><td>{t.asset} {t.cex_venue} ↔ {t.dex_route}</td>
                  <td><span class={`tag ${t.state === 'unknown' || t.state === 'failed_leg' ? 'bad' : 'warn'}`}>{t.state}</span></td>
                  <td><LegTags legs={t.legs} /></td>
                  <td class="num">{usd(t.predicted_pnl_quote)}</td>
                  <td class="num">{ms(now() - t.created_ts_ms)}</td>
                  <td>{t.reason ?? ''}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
