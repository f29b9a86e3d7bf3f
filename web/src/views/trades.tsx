import { createMemo, createSignal, For } from 'solid-js';
import { api } from '../api.ts';
import { notifyError } from '../components/toast.tsx';
import { ms, time, usd } from '../format.ts';
import { trades } from '../state.ts';
import { detectToFillMs, LegTags } from './legs.tsx';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Trades: realised against predicted, latency per leg, and a CSV export for a date range (UTC days). */
export function Trades() {
  const today = new Date();
  const [from, setFrom] = createSignal(day(new Date(today.getTime() - 7 * 86_400_000)));
  const [to, setTo] = createSignal(day(today));
  const [busy, setBusy] = createSignal(false);
  const total = createMemo(() => trades().reduce((a, t) => ({ pred: a.pred + t.predicted_pnl_quote, real: a.real + (t.realised_pnl_quote ?? 0) }), { pred: 0, real: 0 }));

  // `to` is a whole day: the range is half-open, so it ends at the next midnight UTC.
  const exportCsv = async () => {
    setBusy(true);
    try {
      const fromMs = Date.parse(`${from()}T00:00:00Z`);
      const toMs = Date.parse(`${to()}T00:00:00Z`) + 86_400_000;
      const blob = await api.tradesCsv(fromMs, toMs);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `cambist-trades-${from()}-to-${to()}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      notifyError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section data-testid="view-trades">
      <h1>Trades</h1>
      <div class="filters">
        <label class="muted">from</label>
        <input type="date" data-testid="csv-from" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
        <label class="muted">to</label>
        <input type="date" data-testid="csv-to" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
        <button data-testid="csv-export" disabled={busy() || !from() || !to()} onClick={exportCsv}>
          Export CSV
        </button>
        <span class="spacer" />
        <span class="muted" data-testid="trades-totals">
          predicted {usd(total().pred)} · realised {usd(total().real)}
        </span>
      </div>
      <div class="card">
        <table data-testid="trades-table">
          <thead>
            <tr>
              <th>time</th><th>trade</th><th>pair</th><th>state</th><th class="num">predicted</th><th class="num">realised</th><th class="num">Δ</th><th class="num">detect→fill</th><th>legs (send→fill)</th>
            </tr>
          </thead>
          <tbody>
            <For each={trades()} fallback={<tr><td colspan="9" class="empty" data-testid="trades-empty">No trades yet.</td></tr>}>
              {(t) => {
                const diff = () => (t.realised_pnl_quote === null ? null : t.realised_pnl_quote - t.predicted_pnl_quote);
                return (
                  <tr data-testid="trade-row">
                    <td>{time(t.created_ts_ms)}</td><td>{t.trade_key}</td><td>{t.asset} {t.cex_venue} ↔ {t.dex_route}</td><td>{t.state}</td>
                    <td class="num">{usd(t.predicted_pnl_quote)}</td><td class="num">{usd(t.realised_pnl_quote)}</td>
                    <td class={`num ${(diff() ?? 0) >= 0 ? 'pos' : 'neg'}`}>{usd(diff())}</td>
                    <td class="num">{ms(detectToFillMs(t))}</td><td><LegTags legs={t.legs} /></td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
