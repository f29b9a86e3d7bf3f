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
    const limits = { stale_pause_ms: 10_000, anomaly_sigma: 4, anomaly_window_sec: 5, anomaly_resume_sec: 0 };
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
    expect(g.sample(mid, t, limits)).toBe('pause');
    t += 250;
    expect(g.sample(mid, t, limits)).toBeNull(); // reported once
    // anomaly_resume_sec 0: the pause waits for an operator, however long the market stays calm.
    for (let i = 0; i < 2_000; i++) {
      t += 250;
      expect(g.sample(mid, t, limits)).toBeNull();
    }
  });
  it('scales by the time that really elapsed: an ordinary move across a stalled sweep does not trip', () => {
    // σ per 250 ms sample ≈ 1.15 bps (1.3 with the stall's own step in the estimate). A 5 s stall
    // (GC, starved thread) carries the move of 5 s, 1.3·√20 ≈ 5.8 bps at 1 σ; 20 bps is ~3.4 σ of
    // that, under the 4 σ limit. Counted in samples (2 s = 8 samples) it would be 20 > 4·1.3·√8 ≈ 15
    // bps: the old, count-based gate tripped here.
    const limits = { stale_pause_ms: 10_000, anomaly_sigma: 4, anomaly_window_sec: 2, anomaly_resume_sec: 0 };
    const g = new AnomalyGate();
    const rnd = seededRandom(5);
    let mid = 150;
    let t = 0;
    for (let i = 0; i < 1_000; i++) {
      mid *= 1 + (rnd() - 0.5) * 0.0004;
      t += 250;
      expect(g.sample(mid, t, limits)).toBeNull();
    }
    t += 5_000;
    mid *= 1.002;
    expect(g.sample(mid, t, limits)).toBeNull();
    // The same move within the window, without a stall, is an anomaly.
    t += 250;
    mid *= 1.003;
    expect(g.sample(mid, t, limits)).toBe('pause');
  });

  it('resumes by itself once the mid has stayed inside the limit for anomaly_resume_sec', () => {
    const limits = { stale_pause_ms: 10_000, anomaly_sigma: 4, anomaly_window_sec: 2, anomaly_resume_sec: 10 };
    const g = new AnomalyGate();
    const rnd = seededRandom(7);
    let mid = 150;
    let t = 0;
    const calm = (ms: number): ('pause' | 'resume' | null)[] => {
      const out: ('pause' | 'resume' | null)[] = [];
      for (let e = 0; e < ms; e += 250) {
        mid *= 1 + (rnd() - 0.5) * 0.0004;
        t += 250;
        out.push(g.sample(mid, t, limits));
      }
      return out;
    };
    expect(calm(60_000).filter(Boolean)).toEqual([]);
    mid *= 1.03;
    t += 250;
    expect(g.sample(mid, t, limits)).toBe('pause');
    // Still beyond for the next samples (the 2 s window still spans the jump): the hold restarts.
    const after = calm(30_000);
    const resumeAt = after.indexOf('resume');
    expect(after.filter(Boolean)).toEqual(['resume']);
    // The last sample still beyond is within 2 s of the jump, so the resume comes 10-12 s after it.
    expect(resumeAt * 250 + 250).toBeGreaterThanOrEqual(10_000);
    expect(resumeAt * 250 + 250).toBeLessThanOrEqual(12_250);
  });
});
