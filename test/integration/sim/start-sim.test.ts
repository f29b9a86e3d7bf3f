import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ManualScheduler, startSim } from '../../../src/sim/index.ts';
import { connect } from './ws-client.ts';

describe('startSim', () => {
  it('starts every server on loopback, serves truth and accepts faults and dislocations over HTTP', async () => {
    const sim = await startSim({ seed: 1, assets: ['SOL', 'BTC'], auto_dislocations: false, tick_ms: 50 });
    try {
      const urls = [sim.urls.coinbase.ws, sim.urls.coinbase.rest, sim.urls.gemini.ws, sim.urls.gemini.rest, sim.urls.bitstamp.ws, sim.urls.bitstamp.rest, sim.urls.solana.http, sim.urls.solana.ws, sim.urls.jupiter.http, sim.urls.control];
      for (const u of urls) expect(new URL(u).hostname).toBe('127.0.0.1');
      expect(new Set(urls.map((u) => new URL(u).port)).size).toBe(6);

      const cb = await connect(sim.urls.coinbase.ws);
      cb.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'level2' });
      await cb.next((m) => m.channel === 'l2_data');
      const gm = await connect(sim.urls.gemini.ws);
      gm.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['SOLUSD'] }] });
      await gm.next((m) => m.type === 'l2_updates');
      const bs = await connect(sim.urls.bitstamp.ws);
      bs.send({ event: 'bts:subscribe', data: { channel: 'order_book_solusd' } });
      await bs.next((m) => m.event === 'data');

      const rpc = await fetch(sim.urls.solana.http, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getSlot' }) });
      expect(((await rpc.json()) as { result: number }).result).toBeGreaterThan(0);

      const post = (path: string, body: unknown): Promise<Response> =>
        fetch(`${sim.urls.control}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const d = await post('/sim/dislocations', { asset: 'SOL', venue: 'gemini', bps: -80, duration_ms: 300 });
      expect(d.status).toBe(200);
      const { id } = (await d.json()) as { id: string };
      expect((await post('/sim/faults', { venue: 'gemini', kind: 'explode' })).status).toBe(400);
      // A market-wide move: the fundamental jumps, no truth window is recorded for it.
      const before = sim.market.fundamental('BTC');
      expect((await post('/sim/jump', { asset: 'BTC', bps: 250 })).status).toBe(200);
      expect(sim.market.fundamental('BTC') / before).toBeCloseTo(1.025, 2); // model ticks may run in between
      expect((await post('/sim/jump', { asset: 'BTC', bps: 0 })).status).toBe(400);
      expect((await post('/sim/faults', { venue: 'gemini', kind: 'drop' })).status).toBe(200);
      expect((await gm.closed).code).toBe(1006);

      await new Promise((r) => setTimeout(r, 500));
      const t = (await (await fetch(`${sim.urls.control}/sim/truth`)).json()) as { seed: number; windows: Record<string, unknown>[] };
      expect(t.seed).toBe(1);
      expect(t.windows).toHaveLength(1);
      expect(t.windows[0]).toMatchObject({ id, asset: 'SOL', venues: ['gemini', 'dex'], direction: 'buy_cex_sell_dex', state: 'ended' });
      expect(t.windows[0].peak_edge_bps as number).toBeGreaterThan(40);
      expect(Object.keys(t.windows[0]).sort()).toEqual(
        ['asset', 'direction', 'dislocated_venue', 'eligible_cex', 'eligible_notional_usd', 'eligible_size', 'end_ms', 'id', 'peak_edge_bps', 'requested_bps', 'start_ms', 'state', 'venues'].sort(),
      );
      await cb.close();
      await bs.close();
    } finally {
      await sim.close();
    }
  });

  it('close() resolves and leaves no scheduled task under a manual scheduler, even with clients connected', async () => {
    const sched = new ManualScheduler(new ManualClock());
    const sim = await startSim({ seed: 2, scheduler: sched, assets: ['ETH'] });
    const c = await connect(sim.urls.coinbase.ws);
    c.send({ type: 'subscribe', channel: 'heartbeats' });
    await new Promise((r) => setTimeout(r, 50));
    sched.advance(3_000);
    await c.next((m) => m.channel === 'heartbeats');
    expect(sched.pending()).toBeGreaterThan(0);
    await sim.close();
    await c.closed;
    expect(sched.pending()).toBe(0);
  });
});
