import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueFaults } from '../../../src/sim/faults.ts';
import { MarketModel } from '../../../src/sim/market/model.ts';
import { timerScheduler } from '../../../src/sim/market/scheduler.ts';
import { type CoinbaseServer, startCoinbaseServer } from '../../../src/sim/venues/coinbase/server.ts';
import { connect, sleep } from './ws-client.ts';

type Msg = Record<string, unknown> & { channel?: string; sequence_num?: number; events?: Record<string, unknown>[] };

const sched = timerScheduler();
const model = new MarketModel({ seed: 9, scheduler: sched, tick_ms: 50, assets: ['SOL', 'BTC'] });
const faults = new VenueFaults('coinbase', sched);
let cb: CoinbaseServer;

beforeAll(async () => {
  model.start();
  cb = await startCoinbaseServer({ model, scheduler: sched, faults, subscribe_deadline_ms: 300, heartbeat_ms: 200 });
});
afterAll(async () => {
  model.stop();
  faults.close();
  await cb.close();
});

const DECIMAL = /^\d+(\.\d+)?$/;
const RFC3339_NS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

describe('coinbase advanced trade market data WS', () => {
  it('sends an l2_data snapshot, updates with bid/offer, heartbeats and subscriptions acks, with contiguous sequence_num', async () => {
    const c = await connect(cb.ws);
    c.send({ type: 'subscribe', product_ids: ['SOL-USD', 'BTC-USDC'], channel: 'level2' });
    c.send({ type: 'subscribe', channel: 'heartbeats' });
    const snap = await c.next<Msg>((m) => m.channel === 'l2_data' && (m as Msg).events?.[0]?.type === 'snapshot');
    expect(Object.keys(snap).sort()).toEqual(['channel', 'client_id', 'events', 'sequence_num', 'timestamp']);
    expect(snap.timestamp).toMatch(RFC3339_NS);
    const ev = snap.events![0] as { product_id: string; updates: Record<string, string>[] };
    expect(ev.product_id).toBe('SOL-USD');
    expect(ev.updates.length).toBeGreaterThan(200);
    for (const u of ev.updates) {
      expect(Object.keys(u).sort()).toEqual(['event_time', 'new_quantity', 'price_level', 'side']);
      expect(['bid', 'offer']).toContain(u.side);
      expect(u.price_level).toMatch(DECIMAL);
      expect(u.new_quantity).toMatch(DECIMAL);
      expect(u.event_time).toBe('1970-01-01T00:00:00Z');
    }
    // -USDC is answered with -USD ids, as on the real market-data channels.
    await c.next((m) => m.channel === 'l2_data' && (m.events as Msg[])[0].type === 'snapshot' && (m.events as Msg[])[0].product_id === 'BTC-USD');
    const ack = await c.next<Msg>((m) => m.channel === 'subscriptions' && 'heartbeats' in ((m.events as Msg[])[0].subscriptions as object));
    expect(ack.events![0].subscriptions).toEqual({ level2: ['SOL-USD', 'BTC-USD'], heartbeats: ['heartbeats'] });
    const upd = await c.next<Msg>((m) => m.channel === 'l2_data' && (m.events as Msg[])[0].type === 'update');
    const u0 = (upd.events![0].updates as Record<string, string>[])[0];
    expect(u0.event_time).toMatch(RFC3339_NS);
    const hb = await c.next<Msg>((m) => m.channel === 'heartbeats');
    expect(typeof hb.events![0].heartbeat_counter).toBe('number');
    expect(hb.events![0].current_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 UTC m=\+\d+\.\d{9}$/);
    await sleep(500);
    const seqs = (c.messages as Msg[]).filter((m) => m.sequence_num !== undefined).map((m) => m.sequence_num);
    expect(seqs[0]).toBe(0);
    seqs.forEach((s, i) => expect(s).toBe(i));
    await c.close();
  });

  it('closes a socket that does not subscribe before the deadline', async () => {
    const c = await connect(cb.ws);
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
  });

  it('answers malformed and legacy subscribe messages with an error', async () => {
    const c = await connect(cb.ws);
    c.send({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['level2'] });
    const e1 = await c.next((m) => m.type === 'error');
    expect(Object.keys(e1).sort()).toEqual(['message', 'type']);
    c.send({ type: 'subscribe', product_ids: ['DOGE-USD'], channel: 'level2' });
    await c.next((m) => m.type === 'error' && String(m.message).includes('DOGE-USD'), 1_000, 1);
    await c.close();
  });

  it('gap fault loses a message and its sequence number; drop fault terminates the socket', async () => {
    const c = await connect(cb.ws);
    c.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'level2' });
    await c.next((m) => m.channel === 'subscriptions');
    faults.apply({ venue: 'coinbase', kind: 'gap', count: 1 });
    await sleep(300);
    const seqs = (c.messages as Msg[]).map((m) => m.sequence_num!);
    const holes = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1);
    expect(holes.length).toBe(1);
    faults.apply({ venue: 'coinbase', kind: 'drop' });
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
  });

  it('delay fault holds messages in order; stale fault pauses l2 updates but keeps heartbeats', async () => {
    const c = await connect(cb.ws);
    c.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'level2' });
    c.send({ type: 'subscribe', channel: 'heartbeats' });
    await c.next((m) => m.channel === 'heartbeats');
    faults.apply({ venue: 'coinbase', kind: 'stale', duration_ms: 700 });
    const n0 = c.messages.length;
    await sleep(600);
    const during = (c.messages.slice(n0) as Msg[]).map((m) => m.channel);
    expect(during).toContain('heartbeats');
    expect(during.filter((ch) => ch === 'l2_data').length).toBeLessThanOrEqual(1);
    await sleep(300);
    faults.apply({ venue: 'coinbase', kind: 'delay', delay_ms: 250, duration_ms: 400 });
    const n1 = c.messages.length;
    await sleep(150);
    expect(c.messages.length).toBe(n1);
    await sleep(600);
    expect(c.messages.length).toBeGreaterThan(n1);
    const seqs = (c.messages as Msg[]).map((m) => m.sequence_num!);
    seqs.forEach((s, i) => expect(s).toBe(i));
    await c.close();
  });
});
