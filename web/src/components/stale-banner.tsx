import { createMemo, Show } from 'solid-js';
import { now } from '../clock.ts';
import { staleReasons } from '../feeds.ts';
import { feeds, status, statusAt } from '../state.ts';

/**
 * Stale-data banner: any feed stale or down, any actor not running, or no status lately. Numbers
 * under it may be old, and the operator must know before acting on them.
 */
export function StaleBanner() {
  const reasons = createMemo(() => staleReasons(status(), feeds().feeds, statusAt() ? now() - statusAt() : 0));
  return (
    <Show when={reasons().length > 0}>
      <div class="banner" data-testid="banner-stale" data-reasons={reasons().join('; ')} data-feed-source={feeds().source} role="status">
        Stale data: {reasons().join(' · ')}
      </div>
    </Show>
  );
}

/** The kill switch is on: nothing trades until the two-step resume. */
export function KilledBanner() {
  return (
    <Show when={status()?.control.global.killed}>
      <div class="banner killed" data-testid="banner-killed" role="alert">
        Kill switch on ({status()?.control.global.reason}): no orders are sent. Resume needs the two-step confirmation.
      </div>
    </Show>
  );
}
