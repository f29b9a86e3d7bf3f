import { createMemo, For, Show } from 'solid-js';
import { Sparkline } from '../components/sparkline.tsx';
import { VenuePill } from '../components/venue-pill.tsx';
import { bps, dir, ms, num, time, us, usd } from '../format.ts';
import { tickP99 } from '../metrics.ts';
import { feeds, lastLiveAgeMs, opportunities, sparks, status, trades } from '../state.ts';
import { TERMINAL_STATES, VENUES, type Opportunity } from '../types.ts';

/** Health at a glance: venue pills, the best live spread per asset and route, KPIs with trends. */
export function Overview() {
  const assets = createMemo(() => Object.keys(status()?.control.assets ?? {}));
  const inFlight = createMemo(() => trades().filter((t) => !TERMINAL_STATES.includes(t.state)).length);
  const pnl = createMemo(() => trades().reduce((a, t) => a + (t.realised_pnl_quote ?? 0), 0));

  // Latest opportunity per (asset, venue, direction): the live spread and the size it would take.
  const spreads = createMemo(() => {
    const latest = new Map<string, Opportunity>();
    for (const o of opportunities()) {
      const k = `${o.asset}|${o.cex_venue}|${o.direction}`;
      if (!latest.has(k)) latest.set(k, o);
    }
    return [...latest.values()].sort((a, b) => a.asset.localeCompare(b.asset) || b.net_edge_bps - a.net_edge_bps);
  });

  return (
    <section data-testid="view-overview">
      <h1>Overview</h1>
      <h2>Venues</h2>
      <div class="pills" data-testid="venue-pills" data-feed-source={feeds().source} title={`feed health from ${feeds().source === 'status' ? '/v1/status' : 'the /metrics feed gauges'}`}>
        <For each={[...VENUES]}>{(v) => <VenuePill venue={v} feeds={feeds().feeds} paused={status()?.control.venues[v]?.paused} />}</For>
      </div>

      <h2>KPIs</h2>
      <div class="grid">
        <Kpi testid="kpi-opps" label="opportunities / min" value={num(sparks().oppsPerMin.at(-1) ?? 0, 0)} spark={sparks().oppsPerMin} />
        <Kpi testid="kpi-inflight" label="trades in flight" value={String(inFlight())} spark={sparks().inFlight} />
        <Kpi testid="kpi-pnl" label="realised PnL (loaded trades)" value={usd(pnl())} spark={sparks().pnl} />
        <Kpi testid="kpi-tick" label="tick→signal p99" value={us(tickP99())} spark={sparks().tickP99} />
        <Kpi testid="kpi-live-age" label="live data age (at paint)" value={ms(lastLiveAgeMs())} />
      </div>

      <h2>Live spreads and effective size</h2>
      <div class="card">
        <table data-testid="spreads-table">
          <thead>
            <tr>
              <th>asset</th><th>cex</th><th>dex route</th><th>direction</th><th class="num">gross</th><th class="num">net</th><th class="num">size</th><th class="num">pred. PnL</th><th>at</th>
            </tr>
          </thead>
          <tbody>
            <For each={spreads()} fallback={<tr><td colspan="9" class="empty" data-testid="spreads-empty">No spreads yet for {assets().join(', ') || 'any asset'}: the signal has not reported an opportunity.</td></tr>}>
              {(o) => (
                <tr data-testid="spread-row">
                  <td>{o.asset}</td><td>{o.cex_venue}</td><td>{o.dex_route}</td><td title={o.direction}>{dir(o.direction)}</td>
                  <td class="num">{bps(o.gross_edge_bps)}</td>
                  <td class={`num ${o.net_edge_bps > 0 ? 'pos' : 'neg'}`}>{bps(o.net_edge_bps)}</td>
                  <td class="num">{num(o.size_base, 4)}</td><td class="num">{usd(o.predicted_pnl_quote)}</td><td>{time(o.ts_ms)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={status()}>
        <h2>Actors</h2>
        <div class="pills" data-testid="actor-pills">
          <For each={status()!.actors}>
            {(a) => (
              <div class={`pill ${a.state === 'running' ? 'ok live' : a.state === 'stopped' || a.state === 'failed' ? 'bad' : 'warn'}`} data-testid={`actor-pill-${a.name}`}>
                <span class="dot" />
                {a.name} <span class="muted">{a.state}</span> <span class="muted">restarts {a.restarts}</span>
              </div>
            )}
          </For>
        </div>
      </Show>
    </section>
  );
}

function Kpi(p: { testid: string; label: string; value: string; spark?: number[] }) {
  return (
    <div class="card kpi" data-testid={p.testid}>
      <div class="label">{p.label}</div>
      <div class="value">{p.value}</div>
      <Show when={p.spark}>
        <Sparkline values={p.spark!} testid={`${p.testid}-spark`} />
      </Show>
    </div>
  );
}
