import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { CEX_VENUES, type MarketEvent, MarketModel, ManualScheduler } from '../../../src/sim/market/index.ts';

function run(seed: number, ms: number, setup?: (m: MarketModel) => void): { events: MarketEvent[]; model: MarketModel; sched: ManualScheduler } {
  const sched = new ManualScheduler(new ManualClock());
  const model = new MarketModel({ seed, scheduler: sched, auto_dislocations: { mean_interval_ms: 3_000, bps_min: 50, bps_max: 100, duration_ms_min: 500, duration_ms_max: 2_000 } });
  const events: MarketEvent[] = [];
  model.onEvent((e) => events.push(e));
  setup?.(model);
  model.start();
  sched.advance(ms);
  return { events, model, sched };
}

describe('market model determinism', () => {
  it('produces identical update sequences and ground truth for the same seed', () => {
    const a = run(42, 10_000);
    const b = run(42, 10_000);
    expect(a.events.length).toBeGreaterThan(500);
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    expect(a.model.truth()).toEqual(b.model.truth());
    expect(a.model.truth().length).toBeGreaterThan(0);
  });

  it('produces a different market for a different seed', () => {
    const a = run(1, 2_000);
    const b = run(2, 2_000);
    expect(JSON.stringify(a.events)).not.toBe(JSON.stringify(b.events));
  });

  it('stop() leaves no scheduled task behind', () => {
    const r = run(3, 1_000);
    r.model.stop();
    expect(r.sched.pending()).toBe(0);
  });
});

describe('book coherence', () => {
  it('never crosses, never holds a non-positive size, and keeps its depth while prices move', () => {
    const sched = new ManualScheduler(new ManualClock());
    const model = new MarketModel({ seed: 7, scheduler: sched });
    model.dislocate({ asset: 'SOL', venue: 'coinbase', bps: -120, duration_ms: 2_000, delay_ms: 1_000 });
    let checked = 0;
    model.onEvent((e) => {
      if (e.kind !== 'book') return;
      const book = model.book(e.venue, e.asset);
      book.assertCoherent();
      expect(book.count('bid')).toBeGreaterThanOrEqual(100);
      expect(book.count('ask')).toBeGreaterThanOrEqual(100);
      const seen = new Set<string>();
      for (const c of e.changes) {
        expect(c.size).toBeGreaterThanOrEqual(0);
        const k = `${c.side}:${c.price}`;
        expect(seen.has(k)).toBe(false);
        seen.add(k);
        expect(book.get(c.side, c.price)).toBe(c.size);
      }
      checked++;
    });
    model.start();
    sched.advance(5_000);
    expect(checked).toBeGreaterThan(300);
  });

  it('replaying the published changes onto the initial snapshot reproduces the book', () => {
    const sched = new ManualScheduler(new ManualClock());
    const model = new MarketModel({ seed: 11, scheduler: sched, assets: ['BTC'] });
    const snap = model.snapshot('gemini', 'BTC');
    const bids = new Map(snap.bids.map((l) => [l.price, l.size]));
    const asks = new Map(snap.asks.map((l) => [l.price, l.size]));
    model.onEvent((e) => {
      if (e.kind !== 'book' || e.venue !== 'gemini') return;
      for (const c of e.changes) {
        const m = c.side === 'bid' ? bids : asks;
        if (c.size === 0) m.delete(c.price);
        else m.set(c.price, c.size);
      }
    });
    model.start();
    sched.advance(3_000);
    model.take('gemini', 'BTC', 'buy', Number.MAX_SAFE_INTEGER, 10 ** 8);
    const now = model.snapshot('gemini', 'BTC');
    expect([...bids].sort((x, y) => y[0] - x[0])).toEqual(now.bids.map((l) => [l.price, l.size]));
    expect([...asks].sort((x, y) => x[0] - y[0])).toEqual(now.asks.map((l) => [l.price, l.size]));
  });
});

describe('dislocations and ground truth', () => {
  it('moves the dislocated venue by about the requested bps and records the window', () => {
    const sched = new ManualScheduler(new ManualClock());
    const model = new MarketModel({ seed: 5, scheduler: sched, assets: ['ETH'] });
    model.start();
    sched.advance(3_000);
    const id = model.dislocate({ asset: 'ETH', venue: 'dex', bps: -100, duration_ms: 2_000 });
    sched.advance(1_000);
    const [w] = model.truth();
    expect(w.id).toBe(id);
    expect(w.state).toBe('active');
    expect(w.direction).toBe('buy_dex_sell_cex');
    expect(w.venues).toEqual(['dex', ...CEX_VENUES]);
    sched.advance(2_000);
    const [done] = model.truth();
    expect(done.state).toBe('ended');
    expect(done.end_ms - done.start_ms).toBe(2_000);
    expect(done.peak_edge_bps).toBeGreaterThan(80);
    expect(done.peak_edge_bps).toBeLessThan(130);
  });

  it('labels a rich CEX as buy_dex_sell_cex', () => {
    const sched = new ManualScheduler(new ManualClock());
    const model = new MarketModel({ seed: 5, scheduler: sched, assets: ['BTC'] });
    model.dislocate({ asset: 'BTC', venue: 'bitstamp', bps: 60, duration_ms: 1_000 });
    model.start();
    sched.advance(2_000);
    const [w] = model.truth();
    expect(w.direction).toBe('buy_dex_sell_cex');
    expect(w.venues).toEqual(['bitstamp', 'dex']);
    expect(w.peak_edge_bps).toBeGreaterThan(40);
  });
});
