import { createMemo, createSignal, For, Show } from 'solid-js';
import { api } from '../api.ts';
import { dateTime, time } from '../format.ts';
import { createLoad } from '../load.ts';
import { status } from '../state.ts';
import type { ScopeState } from '../types.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The risk caps of an asset's config, wherever the edge puts them (`risk` at the top or under `body`). */
function riskOf(doc: unknown): [string, unknown][] {
  if (!isObj(doc)) return [];
  const cfg = isObj(doc.config) ? doc.config : doc;
  return isObj(cfg.risk) ? Object.entries(cfg.risk) : [];
}

/** Gates (control flags per scope), per-asset caps from config, and incidents with their timelines. */
export function Risk() {
  const scopes = createMemo(() => {
    const c = status()?.control;
    if (!c) return [] as [string, ScopeState][];
    return [['global', c.global] as [string, ScopeState], ...Object.entries(c.assets).map(([k, v]) => [`asset ${k}`, v] as [string, ScopeState]), ...Object.entries(c.venues).map(([k, v]) => [`venue ${k}`, v] as [string, ScopeState])];
  });
  const assets = createMemo(() => Object.keys(status()?.control.assets ?? {}));
  const [asset, setAsset] = createSignal('');
  const cfg = createLoad(() => (asset() || assets()[0] ? api.getConfig(asset() || assets()[0]!) : Promise.resolve(null)), null as unknown);
  // History from the store (earlier runs too), overlaid with the live ones in the status document.
  const stored = createLoad(() => api.incidents(), { items: [], next_cursor: null });
  const incidents = createMemo(() => {
    const byId = new Map(stored.value().items.map((i) => [i.id, i]));
    for (const i of status()?.incidents ?? []) byId.set(i.id, i);
    return [...byId.values()].sort((a, b) => b.ts_ms - a.ts_ms);
  });

  return (
    <section data-testid="view-risk">
      <h1>Risk</h1>
      <h2>Gates</h2>
      <div class="card">
        <table data-testid="gates-table">
          <thead>
            <tr><th>scope</th><th>paused</th><th>observe-only</th><th>killed</th><th>reason</th><th>since</th></tr>
          </thead>
          <tbody>
            <For each={scopes()} fallback={<tr><td colspan="6" class="empty">Waiting for status…</td></tr>}>
              {([name, s]) => (
                <tr data-testid="gate-row">
                  <td>{name}</td>
                  <td><Flag on={s.paused} tone="warn" /></td>
                  <td><Flag on={s.observe_only} tone="warn" /></td>
                  <td><Flag on={s.killed} tone="bad" /></td>
                  <td>{s.reason}</td>
                  <td>{s.since_sec ? dateTime(s.since_sec * 1000) : '–'}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <h2>Caps</h2>
      <div class="filters">
        <select data-testid="risk-asset" value={asset() || assets()[0]} onChange={(e) => { setAsset(e.currentTarget.value); void cfg.reload(); }}>
          <For each={assets()}>{(a) => <option value={a}>{a}</option>}</For>
        </select>
        <span class="muted">{cfg.error() ? `config not available: ${cfg.error()}` : ''}</span>
      </div>
      <div class="card">
        <table data-testid="caps-table">
          <tbody>
            <For each={riskOf(cfg.value())} fallback={<tr><td class="empty">No risk caps loaded.</td></tr>}>
              {([k, v]) => (
                <tr><td>{k}</td><td class="num">{String(v)}</td></tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <h2>Incidents</h2>
      <div class="card" data-testid="incidents">
        <For each={incidents()} fallback={<div class="empty" data-testid="incidents-empty">No incidents.</div>}>
          {(i) => (
            <div data-testid="incident" style={{ 'margin-bottom': '12px' }}>
              <span class={`tag ${i.resolved_ts_ms ? 'ok' : 'bad'}`}>{i.resolved_ts_ms ? 'resolved' : 'open'}</span>{' '}
              <strong>{i.kind}</strong> <span class="muted">{dateTime(i.ts_ms)}</span> {i.actor ?? ''} — {i.reason}
              <ol class="timeline" data-testid="incident-timeline">
                <For each={i.timeline}>{(t) => <li>{time(t.ts_ms)} {t.event}{t.note ? `: ${t.note}` : ''}</li>}</For>
                <Show when={i.resolved_ts_ms}><li>{time(i.resolved_ts_ms)} resolved</li></Show>
              </ol>
            </div>
          )}
        </For>
      </div>
    </section>
  );
}

function Flag(p: { on: boolean; tone: 'warn' | 'bad' }) {
  return <span class={`tag ${p.on ? p.tone : ''}`}>{p.on ? 'yes' : 'no'}</span>;
}
