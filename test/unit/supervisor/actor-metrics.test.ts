import { describe, expect, it } from 'vitest';
import { renderSeries } from '../../../src/supervisor/actor-metrics.ts';
import { backoffMs, decideRestart } from '../../../src/supervisor/policy.ts';

describe('actor-reported metrics', () => {
  it('renders counters, gauges and histograms in the exposition format and keeps internal counters out', () => {
    const text = renderSeries([
      { 'cambist_feed_messages_total{venue="coinbase"}': 12, books: 3 },
      {
        'cambist_feed_messages_total{venue="gemini"}': 4,
        'cambist_feed_staleness_seconds{venue="gemini",asset="SOL"}': 0.25,
        'cambist_tick_to_signal_seconds_bucket{le="0.0001"}': 5,
        'cambist_tick_to_signal_seconds_bucket{le="+Inf"}': 6,
        cambist_tick_to_signal_seconds_sum: 0.0009,
        cambist_tick_to_signal_seconds_count: 6,
      },
    ]);
    expect(text).toContain('# TYPE cambist_feed_messages_total counter\ncambist_feed_messages_total{venue="coinbase"} 12\ncambist_feed_messages_total{venue="gemini"} 4\n');
    expect(text).toContain('# TYPE cambist_feed_staleness_seconds gauge\n');
    expect(text).toContain('# TYPE cambist_tick_to_signal_seconds histogram\ncambist_tick_to_signal_seconds_bucket{le="0.0001"} 5\n');
    expect(text).toContain('cambist_tick_to_signal_seconds_count 6');
    expect(text).not.toContain('books');
  });
});

describe('restart policy', () => {
  const policy = { initialMs: 100, maxMs: 1_000, escalateRestarts: 3, windowMs: 60_000 };
  it('backs off exponentially with jitter inside [base/2, base], capped', () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(50);
    expect(backoffMs(policy, 1, () => 1)).toBe(100);
    expect(backoffMs(policy, 3, () => 1)).toBe(400);
    expect(backoffMs(policy, 10, () => 1)).toBe(1_000);
  });
  it('escalates once more than N restarts fall inside the window, and forgets old ones', () => {
    const recent: number[] = [];
    const r = () => 0.5;
    expect(decideRestart(policy, recent, 0, r).action).toBe('restart');
    expect(decideRestart(policy, recent, 1_000, r).action).toBe('restart');
    expect(decideRestart(policy, recent, 2_000, r).action).toBe('restart');
    expect(decideRestart(policy, recent, 3_000, r)).toEqual({ action: 'escalate', restartsInWindow: 3 });
    expect(decideRestart(policy, recent, 70_000, r).action).toBe('restart');
  });
});
