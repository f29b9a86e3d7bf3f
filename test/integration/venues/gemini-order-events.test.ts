import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GeminiNonce, geminiHeaders } from '../../../src/actors/venues/gemini/auth.ts';
import { GeminiExec } from '../../../src/actors/venues/gemini/exec.ts';
import { type GeminiOrderEvent, GeminiOrderEvents, type GeminiOrderEventsOptions } from '../../../src/actors/venues/gemini/order-events.ts';
import type { GeminiError } from '../../../src/actors/venues/gemini/errors.ts';
import { decAdd, decParse, decToString } from '../../../src/shared/decimal.ts';
import { type Sim, startSim } from '../../../src/sim/index.ts';

// REST and the handshake share one key, and Gemini's nonce rule is per key: one nonce source.
const nonce = new GeminiNonce({ nowMs: () => Date.now() });

let sim: Sim;
let exec: GeminiExec;
let url: string;
let n = 0;

beforeAll(async () => {
  sim = await startSim({ seed: 7, assets: ['SOL'], auto_dislocations: false });
  exec = new GeminiExec({ baseUrl: sim.urls.gemini.rest, nonce, credentials: { apiKey: sim.credentials.gemini.api_key, apiSecret: sim.credentials.gemini.api_secret } });
  // On Gemini the order-events socket lives on the REST host (api.gemini.com/v1/order/events).
  url = `${sim.urls.gemini.rest.replace(/^http/, 'ws')}/v1/order/events`;
});
afterAll(async () => {
  await exec.close();
  await sim.close();
});

async function until(what: string, cond: () => boolean, ms = 4_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function ask(): number {
  return sim.market.snapshot('gemini', 'SOL', 1).asks[0]!.price / 100;
}

async function buy(size: string, capMul = 1.01): Promise<{ cid: string; orderId: string; filled: string }> {
  const cid = `goe-${++n}-${process.pid}`;
  const o = await exec.submitOrder({ clientOrderId: cid, symbol: 'solusd', side: 'buy', size, priceCap: (ask() * capMul).toFixed(2) });
  expect(o.error).toBeUndefined();
  return { cid, orderId: o.orderId!, filled: o.filledSize ?? '0' };
}

function stream(extra: Partial<GeminiOrderEventsOptions> = {}) {
  const events: GeminiOrderEvent[] = [];
  const resyncs: string[] = [];
  const errors: GeminiError[] = [];
  const s = new GeminiOrderEvents({
    url,
    nonce,
    credentials: { apiKey: sim.credentials.gemini.api_key, apiSecret: sim.credentials.gemini.api_secret },
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    onUpdate: (e) => events.push(e),
    onResync: (r) => resyncs.push(r),
    onError: (e) => errors.push(e),
    ...extra,
  });
  s.start();
  return { s, events, resyncs, errors, of: (orderId: string) => events.filter((e) => e.order.orderId === orderId) };
}

function sum(xs: (string | undefined)[]): string {
  return decToString(xs.reduce((a, x) => (x === undefined ? a : decAdd(a, decParse(x))), decParse('0')));
}

describe('gemini order events (sim)', () => {
  it('an IOC through GeminiExec shows up as accepted, fill, closed with fill deltas that add up', async () => {
    const t = stream();
    try {
      await until('subscription', () => t.s.subscribedCount === 1);
      const full = await buy('0.4');
      expect(full.filled).toBe('0.4');
      await until('closed', () => t.of(full.orderId).some((e) => e.type === 'closed'));
      const evs = t.of(full.orderId);
      expect(evs[0]!.type).toBe('accepted');
      expect(evs.at(-1)!.type).toBe('closed');
      expect(evs.filter((e) => e.type === 'fill').length).toBeGreaterThan(0);
      expect(evs.every((e) => e.order.clientOrderId === full.cid && e.order.symbol === 'solusd' && e.order.side === 'buy')).toBe(true);
      expect(sum(evs.map((e) => e.fillDelta))).toBe('0.4');
      expect(sum(evs.map((e) => e.fill?.size))).toBe('0.4');
      expect(evs.at(-1)!.order.state).toBe('filled');
      expect(evs.at(-1)!.order.terminal).toBe(true);

      // A cap below the ask: nothing fills, the IOC is cancelled, then closed.
      const none = await buy('0.2', 0.9);
      expect(none.filled).toBe('0');
      await until('closed (no fill)', () => t.of(none.orderId).some((e) => e.type === 'closed'));
      expect(t.of(none.orderId).map((e) => e.type)).toEqual(['accepted', 'cancelled', 'closed']);
      expect(t.of(none.orderId)[1]!.order.reason).toBe('ImmediateOrCancelWouldPost');
      expect(t.of(none.orderId).every((e) => e.fillDelta === undefined)).toBe(true);
      expect(t.resyncs).toEqual([]);
    } finally {
      t.s.stop();
    }
  });

  it('partial IOC: fills, then cancelled with the remainder, then closed', async () => {
    const t = stream();
    try {
      await until('subscription', () => t.s.subscribedCount === 1);
      sim.faults.inject({ venue: 'gemini', kind: 'partial_fill', fill_ratio: 0.5 });
      const o = await buy('0.6');
      expect(o.filled).toBe('0.3');
      await until('closed', () => t.of(o.orderId).some((e) => e.type === 'closed'));
      const types = t.of(o.orderId).map((e) => e.type);
      expect(types[0]).toBe('accepted');
      expect(types.slice(-2)).toEqual(['cancelled', 'closed']);
      expect(sum(t.of(o.orderId).map((e) => e.fillDelta))).toBe('0.3');
      expect(t.of(o.orderId).at(-1)!.order.state).toBe('cancelled');
      expect(t.of(o.orderId).at(-1)!.order.remainingSize).toBe('0.3');
    } finally {
      t.s.stop();
    }
  });

  it('a bad signature is refused at the handshake (400) and the stream gives up with gemini.auth', async () => {
    const t = stream({ credentials: { apiKey: sim.credentials.gemini.api_key, apiSecret: 'not-the-secret' }, maxRefusedHandshakes: 2 });
    try {
      await until('error', () => t.errors.length > 0);
      expect(t.errors[0]!.code).toBe('gemini.auth');
      expect(t.errors[0]!.httpStatus).toBe(400);
      expect(t.s.subscribedCount).toBe(0);
      expect(t.resyncs).toEqual([]);
    } finally {
      t.s.stop();
    }
  });

  it('raw wire: refused upgrades (signature, reused nonce, wrong request); ack then arrays with contiguous socket_sequence', async () => {
    const key = sim.credentials.gemini.api_key;
    const secret = sim.credentials.gemini.api_secret;
    const hdr = (payload: { request: string; nonce: number }, s = secret) => {
      const h = geminiHeaders({ apiKey: key, apiSecret: s, payload });
      return { 'X-GEMINI-APIKEY': h['X-GEMINI-APIKEY']!, 'X-GEMINI-PAYLOAD': h['X-GEMINI-PAYLOAD']!, 'X-GEMINI-SIGNATURE': h['X-GEMINI-SIGNATURE']! };
    };
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${url}?heartbeat=true`, { headers });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          ws.terminate();
          resolve(101);
        });
        ws.on('error', (e) => reject(e));
      });
    expect(await status(hdr({ request: '/v1/order/events', nonce: nonce.next() }, 'wrong'))).toBe(400);
    const used = nonce.next();
    expect(await status(hdr({ request: '/v1/order/events', nonce: used }))).toBe(101);
    expect(await status(hdr({ request: '/v1/order/events', nonce: used }))).toBe(400);
    expect(await status(hdr({ request: '/v1/order/events?heartbeat=true', nonce: nonce.next() }))).toBe(400);
    expect(await status({})).toBe(400);

    const frames: unknown[] = [];
    const ws = new WebSocket(`${url}?heartbeat=true&symbolFilter=solusd`, { headers: hdr({ request: '/v1/order/events', nonce: nonce.next() }) });
    ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString())));
    try {
      await until('ack', () => frames.length > 0);
      expect(frames[0]).toMatchObject({ type: 'subscription_ack', symbolFilter: ['solusd'], eventTypeFilter: [], apiSessionFilter: [] });
      const o = await buy('0.1');
      await until('closed', () => frames.some((f) => Array.isArray(f) && f.some((e: { type: string; order_id: string }) => e.type === 'closed' && e.order_id === o.orderId)));
      // Every message after the ack is numbered from 0, heartbeats (objects) and events (arrays) alike.
      const seqOf = (f: unknown): unknown => (Array.isArray(f) ? (f[0] as Record<string, unknown>).socket_sequence : (f as Record<string, unknown>).socket_sequence);
      expect(frames.slice(1).map(seqOf)).toEqual(frames.slice(1).map((_, i) => i));
      const arrays = frames.slice(1).filter((f): f is Record<string, unknown>[] => Array.isArray(f));
      expect(arrays.every((a) => a.length > 0 && a.every((e) => e.socket_sequence === a[0]!.socket_sequence))).toBe(true);
      const accepted = arrays[0]![0]!;
      expect(accepted).toMatchObject({ type: 'accepted', order_id: o.orderId, client_order_id: o.cid, api_session: key, symbol: 'solusd', order_type: 'exchange limit', behavior: 'immediate-or-cancel', is_live: true, is_cancelled: false, executed_amount: '0', original_amount: '0.1' });
      const fill = arrays.find((a) => a[0]!.type === 'fill')![0]!;
      expect(fill.fill).toMatchObject({ liquidity: 'Taker', fee_currency: 'USD' });
      // Heartbeats every 5 s, numbered in the same sequence as the order events.
      const before = frames.length;
      await until('heartbeat', () => frames.length > before, 6_000);
      expect(frames.at(-1)).toMatchObject({ type: 'heartbeat', socket_sequence: frames.length - 2 });
    } finally {
      ws.terminate();
    }
  }, 12_000);

  it('a gap fault → exactly one resync, and the stream continues on the new socket', async () => {
    const t = stream();
    try {
      await until('subscription', () => t.s.subscribedCount === 1);
      sim.faults.inject({ venue: 'gemini', kind: 'gap' });
      const lost = await buy('0.1');
      await until('resubscription', () => t.s.subscribedCount === 2);
      expect(t.resyncs).toHaveLength(1);
      expect(t.resyncs[0]).toMatch(/socket_sequence gap/);
      // The accepted event was lost with its number; nothing after the gap on the old socket is used.
      expect(t.of(lost.orderId).some((e) => e.type === 'accepted')).toBe(false);
      const next = await buy('0.1');
      await until('closed after resync', () => t.of(next.orderId).some((e) => e.type === 'closed'));
      expect(sum(t.of(next.orderId).map((e) => e.fillDelta))).toBe('0.1');
      expect(t.resyncs).toHaveLength(1);
    } finally {
      t.s.stop();
    }
  });

  it('a dropped socket reconnects, resyncs once, and events flow again', async () => {
    const t = stream();
    try {
      await until('subscription', () => t.s.subscribedCount === 1);
      sim.faults.inject({ venue: 'gemini', kind: 'drop' });
      await until('resubscription', () => t.s.subscribedCount === 2);
      expect(t.resyncs).toHaveLength(1);
      expect(t.s.isLive).toBe(true);
      const o = await buy('0.1');
      await until('closed after reconnect', () => t.of(o.orderId).some((e) => e.type === 'closed'));
      expect(t.of(o.orderId).map((e) => e.type)[0]).toBe('accepted');
    } finally {
      t.s.stop();
    }
  });
});
