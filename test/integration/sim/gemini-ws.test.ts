import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueFaults } from '../../../src/sim/faults.ts';
import { MarketModel } from '../../../src/sim/market/model.ts';
import { timerScheduler } from '../../../src/sim/market/scheduler.ts';
import { type GeminiServer, startGeminiServer } from '../../../src/sim/venues/gemini/server.ts';
import { connect, sleep } from './ws-client.ts';

type L2 = { type: string; symbol: string; changes: [string, string, string][]; trades?: Record<string, unknown>[]; auction_events?: unknown[] };

const sched = timerScheduler();
const model = new MarketModel({ seed: 21, scheduler: sched, tick_ms: 50, assets: ['BTC', 'ETH'], trade_prob: 0.5 });
const faults = new VenueFaults('gemini', sched);
let gm: GeminiServer;

beforeAll(async () => {
  model.start();
  gm = await startGeminiServer({ model, scheduler: sched, faults });
});
afterAll(async () => {
  model.stop();
  faults.close();
  await gm.close();
});

describe('gemini v2 market data WS', () => {
  it('sends the full book first, then incremental l2_updates and trades, which rebuild the venue book exactly', async () => {
    const c = await connect(gm.ws);
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['BTCUSD'] }] });
    const first = await c.next<L2>((m) => m.type === 'l2_updates');
    expect(first.symbol).toBe('BTCUSD');
    expect(Object.keys(first).sort()).toEqual(['auction_events', 'changes', 'symbol', 'trades', 'type']);
    expect(first.changes.length).toBeGreaterThan(200);
    for (const row of first.changes) {
      expect(['buy', 'sell']).toContain(row[0]);
      expect(row[1]).toMatch(/^\d+\.\d+$/);
      expect(Number(row[2])).toBeGreaterThan(0);
    }
    const book = { buy: new Map<string, string>(), sell: new Map<string, string>() };
    const apply = (rows: [string, string, string][]): void => {
      for (const [side, p, q] of rows) {
        const m = book[side as 'buy' | 'sell'];
        if (Number(q) === 0) m.delete(p);
        else m.set(p, q);
      }
    };
    apply(first.changes);
    const trade = await c.next((m) => m.type === 'trade', 3_000);
    expect(Object.keys(trade).sort()).toEqual(['event_id', 'price', 'quantity', 'side', 'symbol', 'tid', 'timestamp', 'type']);
    expect(typeof trade.timestamp).toBe('number');
    await sleep(300);
    model.stop();
    await sleep(50);
    for (const m of c.messages.slice(1) as L2[]) if (m.type === 'l2_updates') apply(m.changes);
    const snap = model.snapshot('gemini', 'BTC');
    expect(book.buy.size).toBe(snap.bids.length);
    expect(book.sell.size).toBe(snap.asks.length);
    const bestBid = Math.max(...[...book.buy.keys()].map(Number));
    const bestAsk = Math.min(...[...book.sell.keys()].map(Number));
    expect(bestBid).toBeLessThan(bestAsk);
    expect(Math.round(bestBid * 100)).toBe(snap.bids[0].price);
    model.start();
    await c.close();
  });

  it('rejects lowercase or unknown symbols with NoValidTradingPairs', async () => {
    const c = await connect(gm.ws);
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['btcusd'] }] });
    expect(await c.next((m) => m.result === 'error')).toEqual({ result: 'error', reason: 'NoValidTradingPairs' });
    await c.close();
  });

  it('gap fault silently loses an update, drop fault terminates the socket', async () => {
    const c = await connect(gm.ws);
    c.send({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols: ['ETHUSD'] }] });
    await c.next((m) => m.type === 'l2_updates');
    faults.apply({ venue: 'gemini', kind: 'gap', count: 1 });
    await sleep(200);
    expect(faults.pending_gaps).toBe(0);
    faults.apply({ venue: 'gemini', kind: 'drop' });
    expect((await c.closed).code).toBe(1006);
  });
});
