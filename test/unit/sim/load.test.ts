import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { CLK_TCK, parseStatTicks, threadCpuSeconds } from '../../../src/sim/cpu.ts';
import { LoadDriver, type LoadTimers, MAX_BACKLOG_S, stepPlan, stepsDue } from '../../../src/sim/load.ts';
import { ASSET_SPECS } from '../../../src/sim/market/assets.ts';
import { type MarketEvent, MarketModel, ManualScheduler } from '../../../src/sim/market/index.ts';
import { levelRows, levelRowsJson } from '../../../src/sim/venues/bitstamp/wire.ts';

/** Timers driven by hand: `now` moves only when the test says, callbacks run when the test calls `run()`. */
function fakeTimers(): LoadTimers & { t: number; queued: { ms: number; fn: () => void }[]; run(): void } {
  const f = {
    t: 0,
    queued: [] as { ms: number; fn: () => void }[],
    now: () => f.t,
    soon: (fn: () => void) => (f.queued.push({ ms: 0, fn }), { cancel: () => (f.queued = f.queued.filter((q) => q.fn !== fn)) }),
    later: (ms: number, fn: () => void) => (f.queued.push({ ms, fn }), { cancel: () => (f.queued = f.queued.filter((q) => q.fn !== fn)) }),
    run() {
      const q = f.queued.shift();
      q?.fn();
    },
  };
  return f;
}

function fakeModel(booksPerStep = 3) {
  const m = { booksPerStep, dts: [] as number[], external: [] as boolean[], step: (dt: number) => void m.dts.push(dt), setExternalStepping: (on: boolean) => void m.external.push(on) };
  return m;
}

describe('load generator (src/sim/load.ts)', () => {
  it('plans steps/s and model time per step from a book-update rate', () => {
    expect(stepPlan(21_000, 3)).toEqual({ steps_per_sec: 7_000, dt_ms: 1000 / 7_000 });
    expect(stepPlan(900, 9).dt_ms).toBe(10);
    expect(() => stepPlan(0, 3)).toThrow(RangeError);
    expect(() => stepPlan(100, 0)).toThrow(RangeError);
  });

  it('counts due steps and drops a backlog beyond MAX_BACKLOG_S', () => {
    expect(stepsDue(1_000, 1_000, 990)).toEqual({ due: 1_000, skip: 0 });
    const backlog = 1_000 * MAX_BACKLOG_S;
    expect(stepsDue(2_000, 1_000, 0)).toEqual({ due: 2_000, skip: 2_000 - backlog });
  });

  it('steps the model at the rate with dt = 1000 / steps_per_sec, and gives the ticks back on clear', () => {
    const m = fakeModel(3);
    const t = fakeTimers();
    const d = new LoadDriver(m, t);
    d.set({ book_updates_per_sec: 3_000 }); // 1 000 steps/s, 1 ms of model time each
    expect(m.external).toEqual([true]);
    t.t = 5;
    t.run();
    expect(m.dts).toEqual([1, 1, 1, 1, 1]);
    // On schedule: the next turn waits for the next step (1 ms away), not an immediate.
    expect(t.queued).toHaveLength(1);
    expect(t.queued[0]!.ms).toBe(1);
    t.t = 10;
    t.run();
    expect(d.stats()).toMatchObject({ book_updates_per_sec: 3_000, steps_per_sec: 1_000, steps: 10, skipped: 0 });
    d.set(null);
    expect(m.external).toEqual([true, false]);
    expect(d.stats()).toBeNull();
    expect(t.queued).toHaveLength(0);
  });

  it('behind schedule: skips what is over the backlog bound and yields with an immediate', () => {
    const m = fakeModel(1);
    const t = fakeTimers();
    const d = new LoadDriver(m, t);
    d.set({ book_updates_per_sec: 1_000 });
    t.t = 2_000; // 2 000 steps due at once
    // Each step takes 0.1 ms of (fake) time, so a turn stops after MAX_TURN_MS.
    m.step = (dt) => {
      m.dts.push(dt);
      t.t += 0.1;
    };
    t.run();
    const s = d.stats()!;
    expect(s.skipped).toBe(2_000 - 1_000 * MAX_BACKLOG_S);
    expect(s.steps).toBeGreaterThan(0);
    expect(s.steps).toBeLessThan(1_000 * MAX_BACKLOG_S);
    expect(t.queued[0]!.ms).toBe(0); // an immediate: I/O gets its turn, then stepping goes on
    d.stop();
  });

  it('MarketModel: external stepping stops its tick timer (pool slots go on) and step(dt) drives it', () => {
    const sched = new ManualScheduler(new ManualClock());
    const model = new MarketModel({ seed: 7, scheduler: sched, assets: ['SOL'] });
    const events: MarketEvent[] = [];
    model.onEvent((e) => events.push(e));
    model.start();
    sched.advance(1_000);
    const books = () => events.filter((e) => e.kind === 'book').length;
    const pools = () => events.filter((e) => e.kind === 'pool').length;
    // 10 ticks × 3 books (a tick that changes nothing in a book publishes nothing for it).
    expect(books()).toBeGreaterThan(25);
    expect(books()).toBeLessThanOrEqual(30);
    model.setExternalStepping(true);
    const [b0, p0] = [books(), pools()];
    sched.advance(2_000);
    expect(books()).toBe(b0);
    expect(pools()).toBeGreaterThan(p0);
    model.step(0.5);
    expect(books()).toBeGreaterThan(b0);
    expect(books()).toBeLessThanOrEqual(b0 + model.booksPerStep);
    const b1 = books();
    model.setExternalStepping(false);
    sched.advance(1_000);
    expect(books() - b1).toBeGreaterThan(25);
    expect(books() - b1).toBeLessThanOrEqual(30);
    model.stop();
  });
});

describe('thread CPU (src/sim/cpu.ts)', () => {
  it('parses utime and stime after the command name, whatever it contains', () => {
    const line = '1234 (node (sim) worker) S 1 2 3 0 -1 4194560 500 0 0 0 250 37 0 0 20 0 12 0 100 0 0';
    expect(parseStatTicks(line)).toEqual({ utime: 250, stime: 37 });
    expect(() => parseStatTicks('garbage')).toThrow(RangeError);
  });

  it('reads this thread\'s CPU time, which grows while it computes', () => {
    const a = threadCpuSeconds();
    if (a === null) return expect(process.platform).not.toBe('linux');
    // Compute until the reading has grown by two ticks (on a loaded machine the thread may get a
    // small share of the wall time); the deadline only bounds a reading that never moves.
    const deadline = performance.now() + 10_000;
    let x = 0;
    let b = a;
    while (b - a < 2 / CLK_TCK && performance.now() < deadline) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(x + 1);
      b = threadCpuSeconds()!;
    }
    expect(x).toBeGreaterThan(0);
    expect(b - a).toBeGreaterThanOrEqual(2 / CLK_TCK);
  });
});

describe('Bitstamp order_book rows from the cache', () => {
  it('are the same text as JSON.stringify of levelRows, before and after sizes change', () => {
    const spec = ASSET_SPECS.SOL;
    const levels = [{ price: 15_012, size: 37 }, { price: 15_011, size: 1_200 }, { price: 15_009, size: 5 }];
    expect(levelRowsJson(spec, levels)).toBe(JSON.stringify(levelRows(spec, levels)));
    const changed = [{ price: 15_012, size: 38 }, levels[1]!, { price: 15_008, size: 9 }];
    expect(levelRowsJson(spec, changed)).toBe(JSON.stringify(levelRows(spec, changed)));
    expect(levelRowsJson(spec, [])).toBe('[]');
  });
});
