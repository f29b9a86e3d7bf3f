import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitstampBookToSink, parseBitstampWs } from '../../../src/actors/venues/bitstamp/parse.ts';
import { OrderBook } from '../../../src/shared/book/index.ts';
import { startSim, type Sim } from '../../../src/sim/index.ts';
import { connect, sleep } from './ws-client.ts';

type Data = { timestamp: string; microtimestamp: string; bids: [string, string][]; asks: [string, string][] };
type Ev = { event: string; channel: string; data: Data };

/**
 * The simulator's USDC/USD book on its Bitstamp server (the engine's USD vs USDC basis): the same
 * channels and REST path as any pair, readable by the engine's own Bitstamp parser, and the `depeg`
 * fault of the control API moving it and the USDC-quoted pools.
 */
describe('simulated Bitstamp usdcusd', () => {
  let sim: Sim;
  const ctl = async (body: unknown) => {
    const r = await fetch(`${sim.urls.control}/sim/faults`, { method: 'POST', body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const restMid = async (): Promise<number> => {
    const snap = (await (await fetch(`${sim.urls.bitstamp.rest}/api/v2/order_book/usdcusd/`)).json()) as Data;
    return (Number(snap.bids[0]![0]) + Number(snap.asks[0]![0])) / 2;
  };

  beforeAll(async () => {
    sim = await startSim({ seed: 21, assets: ['SOL'], auto_dislocations: false });
  });
  afterAll(async () => sim?.close());

  it('streams order_book_usdcusd snapshots and diffs around 1.0000 in the Bitstamp shape, which the engine parser reads', async () => {
    const c = await connect(sim.urls.bitstamp.ws);
    c.send({ event: 'bts:subscribe', data: { channel: 'order_book_usdcusd' } });
    c.send({ event: 'bts:subscribe', data: { channel: 'diff_order_book_usdcusd' } });
    expect(await c.next((m) => m.event === 'bts:subscription_succeeded')).toEqual({ event: 'bts:subscription_succeeded', channel: 'order_book_usdcusd', data: {} });
    const ob = await c.next<Ev>((m) => m.channel === 'order_book_usdcusd' && m.event === 'data', 3_000);
    expect(Object.keys(ob.data).sort()).toEqual(['asks', 'bids', 'microtimestamp', 'timestamp']);
    expect(ob.data.timestamp).toBe(ob.data.microtimestamp.slice(0, -6));
    expect(ob.data.bids[0]![0]).toMatch(/^\d\.\d{5}$/);
    const diff = await c.next<Ev>((m) => m.channel === 'diff_order_book_usdcusd' && m.event === 'data', 3_000);
    expect(diff.data.bids.length + diff.data.asks.length).toBeGreaterThan(0);

    const f = parseBitstampWs(ob);
    if (f.kind !== 'book') throw new Error(`expected a book frame, got ${f.kind}`);
    expect([f.pair, f.snapshot]).toEqual(['usdcusd', true]);
    const book = new OrderBook();
    bitstampBookToSink(f.pair, f.data, f.snapshot, book);
    expect(book.isCrossed()).toBe(false);
    expect(Math.abs((book.bestBid() + book.bestAsk()) / 2 - 1) * 1e4).toBeLessThan(5);
    expect(Math.abs((await restMid()) - 1) * 1e4).toBeLessThan(5);
    await c.close();
  });

  it('POST /sim/faults depeg moves usdcusd and the SOL/USDC pool for its duration; bps is required, other venues refuse it', async () => {
    expect((await ctl({ venue: 'bitstamp', kind: 'depeg', duration_ms: 1_000 })).status).toBe(400);
    expect((await ctl({ venue: 'coinbase', kind: 'depeg', bps: -120 })).status).toBe(400);
    const dexBefore = sim.market.dexPrice('SOL');
    expect((await ctl({ venue: 'bitstamp', kind: 'depeg', bps: -120, duration_ms: 1_500 })).status).toBe(200);
    expect(sim.market.dexPrice('SOL') / dexBefore).toBeGreaterThan(1.008);
    await sleep(900); // a couple of 400 ms slots
    expect((await restMid() - 1) * 1e4).toBeLessThan(-110);
    await sleep(1_500);
    expect(Math.abs((await restMid()) - 1) * 1e4).toBeLessThan(5);
    expect(sim.market.usdc.depegs()).toEqual([expect.objectContaining({ bps: -120 })]);
  });
});
