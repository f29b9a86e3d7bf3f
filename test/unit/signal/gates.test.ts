import { describe, expect, it } from 'vitest';
import { AnomalyGate, StaleGate } from '../../../src/actors/signal/gates.ts';
import { seededRandom } from '../../../src/shared/clock.ts';

describe('asset gates', () => {
  it('pauses once when a required feed goes stale after warm-up, and resumes once when all are fresh', () => {
    const g = new StaleGate(0);
    expect(g.check([Infinity], 10_000, 5_000_000)).toBeNull(); // still warming up: feeds not seen yet
    expect(g.check([Infinity, 10], 10_000, 11_000_000)).toBe('pause');
    expect(g.check([20_000, 10], 10_000, 12_000_000)).toBeNull();
    expect(g.check([5, 10], 10_000, 13_000_000)).toBe('resume');
    expect(g.check([5, 10], 10_000, 14_000_000)).toBeNull();
  });

  it('trips on a move far outside recent volatility, not on ordinary noise', () => {
    const limits = { stale_pause_ms: 10_000, anomaly_sigma: 4, anomaly_window_sec: 5 };
    const g = new AnomalyGate();
    const rnd = seededRandom(11);
    let mid = 150;
    let t = 0;
    let trips = 0;
    for (let i = 0; i < 1_500; i++) {
      mid *= 1 + (rnd() - 0.5) * 0.0004; // calm: ±2 bps per sample
      t += 250;
      if (g.sample(mid, t, limits)) trips++;
    }
    expect(trips).toBe(0);
    mid *= 1.03; // a 3 % jump
    t += 250;
    expect(g.sample(mid, t, limits)).toBe(true);
    t += 250;
    expect(g.sample(mid, t, limits)).toBe(false); // reported once
  });
});
