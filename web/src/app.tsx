import { createEffect, For, Match, on, onCleanup, Show, Switch } from 'solid-js';
import { api, token } from './api.ts';
import { Controls } from './components/controls.tsx';
import { Login } from './components/login.tsx';
import { KilledBanner, StaleBanner } from './components/stale-banner.tsx';
import { Toast } from './components/toast.tsx';
import { ms } from './format.ts';
import { SCREENS, screen } from './nav.ts';
import { tickP99 } from './metrics.ts';
import { addOpportunities, lastLiveAgeMs, sampleSparks, setStatus, status, streamState, trades, upsertTrades } from './state.ts';
import { startStream } from './stream.ts';
import { TERMINAL_STATES } from './types.ts';
import { Execution } from './views/execution.tsx';
import { Inventory } from './views/inventory.tsx';
import { Metrics } from './views/metrics.tsx';
import { Opportunities } from './views/opportunities.tsx';
import { Overview } from './views/overview.tsx';
import { Risk } from './views/risk.tsx';
import { Settings } from './views/settings.tsx';
import { Trades } from './views/trades.tsx';

const SPARK_EVERY_MS = 2_000;

/** Signed in: load the first pages over REST, then follow the stream. */
function Console() {
  createEffect(
    on(token, (t) => {
      if (!t) return;
      api.status().then(setStatus, () => undefined);
      // Lists the edge may not serve yet fail quietly: the screens show their empty states.
      api.opportunities().then((p) => addOpportunities(p.items), () => undefined);
      api.trades().then((p) => upsertTrades(p.items), () => undefined);
    }),
  );
  const stop = startStream();
  const sampler = setInterval(() => {
    const open = trades().filter((t) => !TERMINAL_STATES.includes(t.state)).length;
    sampleSparks(SPARK_EVERY_MS, open, trades().reduce((a, t) => a + (t.realised_pnl_quote ?? 0), 0), tickP99());
  }, SPARK_EVERY_MS);
  onCleanup(() => {
    stop();
    clearInterval(sampler);
  });

  return (
    <div class="shell">
      <header class="top">
        <span class="brand">CAMBIST</span>
        <span class="mode" data-testid="mode">{status()?.mode ?? '…'}</span>
        <span class={`pill ${streamState() === 'open' ? 'ok live' : 'warn'}`} data-testid="stream-state" data-state={streamState()}>
          <span class="dot" />
          {streamState() === 'open' ? 'live' : streamState() === 'closed' ? 'stream down, polling' : 'connecting'}
        </span>
        <span class="age" data-testid="live-age" data-age-ms={lastLiveAgeMs() ?? ''}>
          age {ms(lastLiveAgeMs())}
        </span>
        <span class="spacer" />
        <Controls />
      </header>
      <StaleBanner />
      <KilledBanner />
      <nav class="side">
        <For each={[...SCREENS]}>
          {([id, label]) => (
            <a href={`#/${id}`} data-testid={`nav-${id}`} class={screen() === id ? 'current' : ''}>
              {label}
            </a>
          )}
        </For>
      </nav>
      <main>
        <Switch>
          <Match when={screen() === 'overview'}><Overview /></Match>
          <Match when={screen() === 'opportunities'}><Opportunities /></Match>
          <Match when={screen() === 'execution'}><Execution /></Match>
          <Match when={screen() === 'trades'}><Trades /></Match>
          <Match when={screen() === 'inventory'}><Inventory /></Match>
          <Match when={screen() === 'risk'}><Risk /></Match>
          <Match when={screen() === 'settings'}><Settings /></Match>
          <Match when={screen() === 'metrics'}><Metrics /></Match>
        </Switch>
      </main>
      <Toast />
    </div>
  );
}

export function App() {
  return (
    <Show when={token()} fallback={<Login />}>
      <Console />
    </Show>
  );
}
