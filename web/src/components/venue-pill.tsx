import { Show } from 'solid-js';
import { tone, venueHealth } from '../feeds.ts';
import { ms } from '../format.ts';
import type { FeedHealth } from '../types.ts';

/** One venue: its worst feed state as a coloured dot (pulsing while live), staleness and RTT. */
export function VenuePill(p: { venue: string; feeds: FeedHealth[]; paused?: boolean }) {
  const h = () => venueHealth(p.feeds, p.venue);
  return (
    <div class={`pill ${tone(h().state)} ${h().state === 'live' ? 'live' : ''}`} data-testid={`venue-pill-${p.venue}`} data-state={h().state} title={`${p.venue}: ${h().state}`}>
      <span class="dot" />
      <span>{p.venue}</span>
      <span class="muted">{h().state}</span>
      <span title="staleness">age {ms(h().staleness_ms)}</span>
      <span title="round trip">rtt {ms(h().rtt_ms)}</span>
      <Show when={p.paused}>
        <span class="tag warn">paused</span>
      </Show>
    </div>
  );
}
