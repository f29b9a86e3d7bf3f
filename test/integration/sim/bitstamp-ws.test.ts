import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueFaults } from '../../../src/sim/faults.ts';
import { MarketModel } from '../../../src/sim/market/model.ts';
import { timerScheduler } from '../../../src/sim/market/scheduler.ts';
import { type BitstampServer, startBitstampServer } from '../../../src/sim/venues/bitstamp/server.ts';
import { connect, sleep } from './ws-client.ts';

type Data = { timestamp: string; microtimestamp: string; bids: [string, string][]; asks: [string, string][] };
type Ev = { event: string; channel: string; data: Data };

const sched = timerScheduler();
const model = new MarketModel({ seed: 33, scheduler: sched, tick_ms: 50, assets: ['BTC', 'SOL'], trade_prob: 0.5 });
const faults = new VenueFaults('bitstamp', sched);
let bs: BitstampServer;

beforeAll(async () => {
  model.start();
  bs = await startBitstampServer({ model, scheduler: sched, faults, reconnect_grace_ms: 200 });
});
afterAll(async () => {
  model.stop();
  faults.close();
  await bs.close();
});

describe('bitstamp WS v2', () => {
  it('acks subscriptions, streams top-100 order_book snapshots, diffs, trades, and answers heartbeats', async () => {
    const c = await connect(bs.ws);
    c.send({ event: 'bts:subscribe', data: { channel: 'order_book_btcusd' } });
    c.send({ event: 'bts:subscribe', data: { channel: 'diff_order_book_btcusd' } });
    c.send({ event: 'bts:subscribe', data: { channel: 'live_trades_btcusd' } });
    expect(await c.next((m) => m.event === 'bts:subscription_succeeded')).toEqual({ event: 'bts:subscription_succeeded', channel: 'order_book_btcusd', data: {} });
    const ob = await c.next<Ev>((m) => m.channel === 'order_book_btcusd' && m.event === 'data');
    expect(ob.data.bids).toHaveLength(100);
    expect(ob.data.asks).toHaveLength(100);
    expect(ob.data.microtimestamp).toMatch(/^\d+$/);
    expect(ob.data.timestamp).toBe(ob.data.microtimestamp.slice(0, -6));
    expect(Number(ob.data.bids[0][0])).toBeLessThan(Number(ob.data.asks[0][0]));
    const diff = await c.next<Ev>((m) => m.channel === 'diff_order_book_btcusd' && m.event === 'data');
    expect(Object.keys(diff.data).sort()).toEqual(['asks', 'bids', 'microtimestamp', 'timestamp']);
    const trade = await c.next((m) => m.event === 'trade', 3_000);
    expect(Object.keys(trade.data as object).sort()).toEqual(
      ['amount', 'amount_str', 'buy_order_id', 'id', 'microtimestamp', 'price', 'price_str', 'sell_order_id', 'timestamp', 'type'].sort(),
    );
    c.send({ event: 'bts:heartbeat' });
    expect(await c.next((m) => m.event === 'bts:heartbeat')).toEqual({ event: 'bts:heartbeat', channel: '', data: { status: 'success' } });
    await c.close();
  });

  it('REST order_book snapshot plus diffs newer than its microtimestamp rebuild the book', async () => {
    const c = await connect(bs.ws);
    c.send({ event: 'bts:subscribe', data: { channel: 'diff_order_book_solusd' } });
    await c.next((m) => m.event === 'bts:subscription_succeeded');
    await sleep(120);
    const res = await fetch(`${bs.rest}/api/v2/order_book/solusd/`);
    expect(res.status).toBe(200);
    const snap = (await res.json()) as Data;
    await sleep(300);
    model.stop();
    await sleep(50);
    const bids = new Map(snap.bids);
    const asks = new Map(snap.asks);
    let applied = 0;
    for (const m of c.messages as Ev[]) {
      if (m.event !== 'data' || BigInt(m.data.microtimestamp) <= BigInt(snap.microtimestamp)) continue;
      applied++;
      for (const [p, q] of m.data.bids) if (Number(q) === 0) bids.delete(p); else bids.set(p, q);
      for (const [p, q] of m.data.asks) if (Number(q) === 0) asks.delete(p); else asks.set(p, q);
    }
    expect(applied).toBeGreaterThan(2);
    const now = model.snapshot('bitstamp', 'SOL');
    expect(bids.size).toBe(now.bids.length);
    expect(asks.size).toBe(now.asks.length);
    expect(Math.max(...[...bids.keys()].map(Number))).toBe(now.bids[0].price / 100);
    model.start();
    await c.close();
  });

  it('rejects bad channels and private channels without auth', async () => {
    const c = await connect(bs.ws);
    c.send({ event: 'bts:subscribe', data: { channel: 'order_book_dogeusd' } });
    const e = await c.next((m) => m.event === 'bts:error');
    expect(e.channel).toBe('');
    c.send({ event: 'bts:subscribe', data: { channel: 'private-my_orders_btcusd-1' } });
    const e2 = await c.next<{ data: { code: number } }>((m) => m.event === 'bts:error', 1_000, 1);
    expect(e2.data.code).toBe(4009);
    await c.close();
  });

  it('request_reconnect fault announces then closes; drop fault terminates', async () => {
    const c = await connect(bs.ws);
    faults.apply({ venue: 'bitstamp', kind: 'reconnect' });
    expect(await c.next((m) => m.event === 'bts:request_reconnect')).toEqual({ event: 'bts:request_reconnect', channel: '', data: '' });
    expect((await c.closed).code).toBe(1001);
    const d = await connect(bs.ws);
    faults.apply({ venue: 'bitstamp', kind: 'drop' });
    expect((await d.closed).code).toBe(1006);
  });
});
