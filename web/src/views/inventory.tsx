import { createMemo, For } from 'solid-js';
import { api } from '../api.ts';
import { dateTime, num } from '../format.ts';
import { createLoad } from '../load.ts';
import type { InventorySnapshot } from '../types.ts';

/** Balances per venue: the newest snapshot of each (venue, asset), grouped by venue. */
export function Inventory() {
  const page = createLoad(() => api.inventory(), { items: [], next_cursor: null });
  const latest = createMemo(() => {
    const m = new Map<string, InventorySnapshot>();
    for (const s of page.value().items) {
      const k = `${s.venue}|${s.asset}`;
      const old = m.get(k);
      if (!old || old.ts_ms < s.ts_ms) m.set(k, s);
    }
    return [...m.values()].sort((a, b) => a.venue.localeCompare(b.venue) || a.asset.localeCompare(b.asset));
  });
  return (
    <section data-testid="view-inventory">
      <h1>Inventory</h1>
      <div class="filters">
        <button data-testid="inventory-refresh" onClick={() => void page.reload()}>
          Refresh
        </button>
        <span class="muted" data-testid="inventory-status">{page.error() ? `could not load: ${page.error()}` : page.loading() ? 'loading…' : ''}</span>
      </div>
      <div class="card">
        <table data-testid="inventory-table">
          <thead>
            <tr>
              <th>venue</th><th>asset</th><th class="num">free</th><th class="num">locked</th><th class="num">total</th><th>as of</th>
            </tr>
          </thead>
          <tbody>
            <For each={latest()} fallback={<tr><td colspan="6" class="empty" data-testid="inventory-empty">No balance snapshots yet.</td></tr>}>
              {(s) => (
                <tr data-testid="inventory-row">
                  <td>{s.venue}</td><td>{s.asset}</td><td class="num">{num(s.free, 6)}</td><td class="num">{num(s.locked, 6)}</td><td class="num">{num(s.free + s.locked, 6)}</td><td>{dateTime(s.ts_ms)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
