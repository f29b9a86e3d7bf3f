import type { ActorHandle } from './actor-handle.ts';

/**
 * Metrics an actor owns (feed message counts, recorder conflation, latency histograms) are reported
 * by the actor itself in `stats().counters` under their full Prometheus series name, e.g.
 * `cambist_feed_messages_total{venue="coinbase"}` or `cambist_tick_to_signal_seconds_bucket{le="0.0001"}`.
 * At scrape time the supervisor asks every running actor (bounded by a timeout, so a stuck actor
 * cannot stall /metrics) and renders the series in the exposition format next to its own registry.
 * Names without the `cambist_` prefix stay internal (shown in /v1/status only).
 */
const SERIES = /^(cambist_[a-z0-9_]+?)(_bucket|_sum|_count)?(\{[^}]*\})?$/;

export async function collectActorSeries(handles: readonly ActorHandle[], timeoutMs = 500): Promise<string> {
  const reports = await Promise.all(
    handles.map(async (h) => {
      if (!h.api || h.state !== 'running') return {};
      h.nudge();
      const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), timeoutMs));
      const s = await Promise.race([h.api.stats().catch(() => undefined), timeout]);
      return s?.counters ?? {};
    }),
  );
  return renderSeries(reports);
}

export function renderSeries(reports: readonly Record<string, number>[]): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  for (const counters of reports) {
    for (const [key, value] of Object.entries(counters)) {
      const m = SERIES.exec(key);
      if (!m || !Number.isFinite(value)) continue;
      const [, base, suffix] = m;
      const isHist = suffix !== undefined && Object.keys(counters).some((k) => k.startsWith(`${base}_bucket`));
      const family = isHist ? base! : `${base}${suffix ?? ''}`;
      const type = isHist ? 'histogram' : family.endsWith('_total') ? 'counter' : 'gauge';
      const f = families.get(family) ?? { type, lines: [] };
      f.lines.push(`${key} ${value}`);
      families.set(family, f);
    }
  }
  let out = '';
  for (const [name, f] of families) out += `# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`;
  return out;
}
