import { describe, expect, it } from 'vitest';
import { WindowTracker } from '../../../src/actors/signal/windows.ts';

describe('opportunity windows', () => {
  it('opens on crossing, extends while above, closes only after the grace period below', () => {
    const t = new WindowTracker(20_000);
    expect(t.observe(3, 1, 0, 1, 50, false, 1_000).change).toBe('none');
    const o = t.observe(3, 1, 0, 1, 150, true, 2_000);
    expect(o.change).toBe('opened');
    expect(t.observe(3, 1, 0, 1, 250, true, 3_000).change).toBe('extended');
    expect(t.observe(3, 1, 0, 1, 10, false, 10_000).change).toBe('none'); // inside grace: still open
    expect(t.get(3)).toBeDefined();
    const c = t.observe(3, 1, 0, 1, 10, false, 23_001);
    expect(c.change).toBe('closed');
    expect(c.window).toMatchObject({ signals: 2, peakBps: 250, openedMs: 2_000, closedMs: 23_001 });
    expect(c.window!.sumBps / c.window!.signals).toBe(200);
    expect(t.get(3)).toBeUndefined();
  });

  it('closes soon once the edge is gone altogether (net ≤ 0), so the next dislocation is a new window', () => {
    const t = new WindowTracker(20_000);
    const first = t.observe(3, 1, 0, 1, 300, true, 1_000).window!;
    expect(t.observe(3, 1, 0, 1, -80, false, 2_500).change).toBe('none'); // gone, but inside the debounce
    expect(t.observe(3, 1, 0, 1, 40, false, 3_500).change).toBe('none'); // still positive: grace applies
    expect(t.observe(3, 1, 0, 1, -90, false, 3_600).change).toBe('closed'); // gone, 2.6 s after it last held
    const next = t.observe(3, 1, 0, 1, 320, true, 8_000);
    expect(next.change).toBe('opened');
    expect(next.window!.id).not.toBe(first.id);
    expect(next.window!.attempts).toBe(0);
  });

  it('keeps one window per pair and sweeps windows whose inputs went quiet', () => {
    const t = new WindowTracker(1_000);
    const a = t.observe(1, 1, 0, 1, 150, true, 0).window!;
    const b = t.observe(2, 2, 0, 1, 150, true, 0).window!;
    expect(a.id).not.toBe(b.id);
    t.observe(2, 2, 0, 1, 150, true, 900);
    const closed: number[] = [];
    t.sweep(1_500, (w) => closed.push(w.pair));
    expect(closed).toEqual([1]);
  });
});
