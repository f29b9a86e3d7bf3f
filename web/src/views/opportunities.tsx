import { createMemo, createSignal, For, Show } from 'solid-js';
import { bps, dateTime, dir, num, time, usd } from '../format.ts';
import { opportunities } from '../state.ts';
import type { Opportunity } from '../types.ts';

/** Live opportunities (REST page on load, then the stream), filtered client-side; a row opens its detail. */
export function Opportunities() {
  const [asset, setAsset] = createSignal('');
  const [venue, setVenue] = createSignal('');
  const [traded, setTraded] = createSignal<'' | 'yes' | 'no'>('');
  const [minNet, setMinNet] = createSignal('');
  const [selected, setSelected] = createSignal<string | null>(null);

  const options = (f: (o: Opportunity) => string) => createMemo(() => [...new Set(opportunities().map(f))].sort());
  const assets = options((o) => o.asset);
  const venues = options((o) => o.cex_venue);

  const rows = createMemo(() => {
    const min = minNet() === '' ? -Infinity : Number(minNet());
    return opportunities().filter(
      (o) => (!asset() || o.asset === asset()) && (!venue() || o.cex_venue === venue()) && (!traded() || o.traded === (traded() === 'yes')) && o.net_edge_bps >= min,
    );
  });
  const current = createMemo(() => opportunities().find((o) => o.id === selected()) ?? null);

  return (
    <section data-testid="view-opportunities">
      <h1>Opportunities</h1>
      <div class="filters">
        <select data-testid="filter-asset" value={asset()} onChange={(e) => setAsset(e.currentTarget.value)}>
          <option value="">all assets</option>
          <For each={assets()}>{(a) => <option value={a}>{a}</option>}</For>
        </select>
        <select data-testid="filter-venue" value={venue()} onChange={(e) => setVenue(e.currentTarget.value)}>
          <option value="">all venues</option>
          <For each={venues()}>{(v) => <option value={v}>{v}</option>}</For>
        </select>
        <select data-testid="filter-traded" value={traded()} onChange={(e) => setTraded(e.currentTarget.value as '' | 'yes' | 'no')}>
          <option value="">traded or not</option>
          <option value="yes">traded</option>
          <option value="no">not traded</option>
        </select>
        <input data-testid="filter-min-net" type="number" step="1" placeholder="min net bps" value={minNet()} onInput={(e) => setMinNet(e.currentTarget.value)} style={{ width: '120px' }} />
        <span class="muted" data-testid="opportunities-count">{rows().length} of {opportunities().length}</span>
      </div>
      <div class="split">
        <div class="card scroll">
          <table data-testid="opportunities-table">
            <thead>
              <tr>
                <th>time</th><th>asset</th><th>cex</th><th>dex</th><th>direction</th><th class="num">size</th><th class="num">gross</th><th class="num">net</th><th class="num">pred. PnL</th><th>traded</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()} fallback={<tr><td colspan="10" class="empty" data-testid="opportunities-empty">No opportunities {opportunities().length ? 'match these filters' : 'yet'}.</td></tr>}>
                {(o) => (
                  <tr class={`clickable ${selected() === o.id ? 'selected' : ''}`} data-testid="opportunity-row" onClick={() => setSelected(o.id)}>
                    <td>{time(o.ts_ms)}</td><td>{o.asset}</td><td>{o.cex_venue}</td><td>{o.dex_route}</td><td title={o.direction}>{dir(o.direction)}</td>
                    <td class="num">{num(o.size_base, 4)}</td><td class="num">{bps(o.gross_edge_bps)}</td>
                    <td class={`num ${o.net_edge_bps > 0 ? 'pos' : 'neg'}`}>{bps(o.net_edge_bps)}</td>
                    <td class="num">{usd(o.predicted_pnl_quote)}</td><td>{o.traded ? 'yes' : o.reason_not_traded ?? 'no'}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <div class="card detail sticky" data-testid="opportunity-detail">
          <Show when={current()} fallback={<div class="muted">Select a row to see its detail.</div>}>
            {(o) => (
              <dl>
                <dt>id</dt><dd>{o().id}</dd>
                <dt>time</dt><dd>{dateTime(o().ts_ms)}</dd>
                <dt>pair</dt><dd>{o().asset} {o().cex_venue} ↔ {o().dex_route}</dd>
                <dt>direction</dt><dd>{o().direction}</dd>
                <dt>size</dt><dd>{num(o().size_base, 6)} {o().asset}</dd>
                <dt>cex vwap</dt><dd>{num(o().cex_vwap, 4)}</dd>
                <dt>dex price</dt><dd>{num(o().dex_price, 4)}</dd>
                <dt>gross edge</dt><dd>{bps(o().gross_edge_bps)}</dd>
                <dt>net edge</dt><dd>{bps(o().net_edge_bps)}</dd>
                <dt>pred. PnL</dt><dd>{usd(o().predicted_pnl_quote)}</dd>
                <dt>window</dt><dd>{o().window_id ?? '–'}</dd>
                <dt>traded</dt><dd>{o().traded ? 'yes' : `no: ${o().reason_not_traded ?? '–'}`}</dd>
              </dl>
            )}
          </Show>
        </div>
      </div>
    </section>
  );
}
