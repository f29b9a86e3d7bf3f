import { For } from 'solid-js';
import { ms, num } from '../format.ts';
import type { Leg, TradeRecord } from '../types.ts';

/** Leg latency: send → fill (or → ack while unfilled), from the executor's monotonic µs stamps. */
export const legLatencyMs = (l: Leg): number | null => (l.sent_us === null ? null : (l.filled_us ?? l.ack_us) === null ? null : ((l.filled_us ?? l.ack_us)! - l.sent_us) / 1000);

/** Detect → last fill: the tick that caused the decision to the slower leg's fill. */
export function detectToFillMs(t: TradeRecord): number | null {
  const fills = t.legs.map((l) => l.filled_us).filter((x): x is number => x !== null);
  return fills.length === t.legs.length && fills.length ? (Math.max(...fills) - t.tick_recv_us) / 1000 : null;
}

const legTone = (s: Leg['status']) => (s === 'filled' ? 'ok' : s === 'rejected' || s === 'cancelled' || s === 'unknown' ? 'bad' : 'warn');

export function LegTags(p: { legs: Leg[] }) {
  return (
    <div class="legs">
      <For each={p.legs}>
        {(l) => (
          <span class={`tag ${legTone(l.status)}`} data-testid="leg-state" title={l.client_order_id}>
            {l.venue} {l.side} {l.status} {num(l.filled_size_base, 4)}/{num(l.size_base, 4)} {ms(legLatencyMs(l))}
          </span>
        )}
      </For>
    </div>
  );
}
