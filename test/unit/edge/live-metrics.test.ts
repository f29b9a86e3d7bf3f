import { describe, expect, it } from 'vitest';
import { summariseLatency } from '../../../src/actors/edge/live-metrics.ts';
import { LatencyHistogram } from '../../../src/shared/histogram.ts';

describe('stream metrics summaries', () => {
  it('summarises the tick→signal and detect→fill histograms actors report, in µs and ms', () => {
    const tick = new LatencyHistogram();
    for (let i = 0; i < 90; i++) tick.record(15); // bucket (10, 20] µs
    for (let i = 0; i < 10; i++) tick.record(400); // bucket (200, 500] µs
    const fill = new LatencyHistogram();
    for (let i = 0; i < 4; i++) fill.record(30_000); // 30 ms, bucket (20, 50] ms
    const m = summariseLatency([
      { ...tick.series('cambist_tick_to_signal_seconds', 'asset="SOL"'), books: 3 },
      fill.series('cambist_detect_to_fill_seconds', 'leg="cex"'),
      {},
    ]);
    expect(Object.keys(m.tick_to_signal_us)).toEqual(['SOL']);
    const t = m.tick_to_signal_us.SOL!;
    expect(t.count).toBe(100);
    expect(t.mean).toBeCloseTo(53.5, 3);
    expect(t.p50).toBeGreaterThan(10);
    expect(t.p50).toBeLessThanOrEqual(20);
    expect(t.p99).toBeGreaterThan(200);
    expect(t.p99).toBeLessThanOrEqual(500);
    const f = m.detect_to_fill_ms.cex!;
    expect(f.count).toBe(4);
    expect(f.mean).toBeCloseTo(30, 6);
    expect(f.p50).toBeGreaterThan(20);
    expect(f.p50).toBeLessThanOrEqual(50);
  });

  it('is empty when no actor reports those series', () => {
    expect(summariseLatency([{ cambist_recorder_conflated_total: 4 }])).toEqual({ tick_to_signal_us: {}, detect_to_fill_ms: {} });
  });
});
