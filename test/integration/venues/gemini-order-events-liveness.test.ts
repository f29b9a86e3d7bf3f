/**
 * Silence and framing against a scripted loopback server (the simulator's heartbeat period is
 * Gemini's 5 s; a scripted server lets the 10 s dead-socket rule be tested with a short timeout).
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { GeminiOrderEvents } from '../../../src/actors/venues/gemini/order-events.ts';

const ACK = { type: 'subscription_ack', accountId: 1, subscriptionId: 'orderevents-websocket-x', symbolFilter: [], apiSessionFilter: [], eventTypeFilter: [] };

interface Conn {
  ws: WebSocket;
  req: IncomingMessage;
}

async function server(onConn: (c: Conn) => void): Promise<{ url: string; conns: Conn[]; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const conns: Conn[] = [];
  wss.on('connection', (ws, req) => {
    const c = { ws, req };
    conns.push(c);
    onConn(c);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/order/events`,
    conns,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of wss.clients) c.terminate();
        wss.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

async function until(what: string, cond: () => boolean, ms = 4_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function client(url: string, resyncs: string[], heartbeatTimeoutMs = 300): GeminiOrderEvents {
  const s = new GeminiOrderEvents({
    url,
    credentials: { apiKey: 'account-test', apiSecret: 'secret' },
    heartbeatTimeoutMs,
    initialBackoffMs: 20,
    maxBackoffMs: 50,
    onUpdate: () => undefined,
    onResync: (r) => resyncs.push(r),
  });
  cleanup.push(() => s.stop());
  s.start();
  return s;
}

describe('gemini order events liveness', () => {
  it('connects with heartbeat=true and auth headers carrying a fresh, increasing nonce per connection', async () => {
    const srv = await server((c) => {
      c.ws.send(JSON.stringify(ACK));
      // Drop at once: forces a second connection, whose nonce must be larger.
      if (srv.conns.length === 1) setTimeout(() => c.ws.terminate(), 20);
    });
    cleanup.push(() => srv.close());
    const resyncs: string[] = [];
    client(srv.url, resyncs, 5_000);
    await until('two connections', () => srv.conns.length >= 2);
    const payloads = srv.conns.map((c) => {
      expect(new URL(c.req.url ?? '', 'http://x').searchParams.get('heartbeat')).toBe('true');
      expect(c.req.headers['x-gemini-apikey']).toBe('account-test');
      expect(c.req.headers['x-gemini-signature']).toMatch(/^[0-9a-f]{96}$/);
      return JSON.parse(Buffer.from(String(c.req.headers['x-gemini-payload']), 'base64').toString()) as { request: string; nonce: number };
    });
    expect(payloads.map((p) => p.request)).toEqual(payloads.map(() => '/v1/order/events'));
    expect(payloads[1]!.nonce).toBeGreaterThan(payloads[0]!.nonce);
  });

  it('more than heartbeatTimeoutMs without a frame → reconnect, one resync after the new ack', async () => {
    let beat = true;
    const srv = await server((c) => {
      c.ws.send(JSON.stringify(ACK));
      let seq = 0;
      // The first socket beats for a while, then goes silent without closing; later sockets keep beating.
      const first = srv.conns.length === 1;
      const t = setInterval(() => {
        if (!first || beat) c.ws.send(JSON.stringify({ type: 'heartbeat', timestampms: Date.now(), sequence: seq, socket_sequence: seq++ }));
      }, 50);
      c.ws.on('close', () => clearInterval(t));
    });
    cleanup.push(() => srv.close());
    const resyncs: string[] = [];
    const s = client(srv.url, resyncs, 300);
    await until('subscription', () => s.subscribedCount === 1);
    await new Promise((r) => setTimeout(r, 500));
    // Heartbeats every 50 ms keep a 300 ms timeout satisfied.
    expect(srv.conns).toHaveLength(1);
    beat = false;
    await until('resubscription', () => s.subscribedCount === 2);
    expect(resyncs).toHaveLength(1);
    expect(resyncs[0]).toMatch(/no heartbeat for \d+ ms/);
  });

  it('an unreadable frame or a sequence that does not start at 0 → reconnect and resync', async () => {
    const srv = await server((c) => {
      c.ws.send(JSON.stringify(ACK));
      const n = srv.conns.length;
      if (n === 1) c.ws.send(JSON.stringify({ type: 'heartbeat', socket_sequence: 3 }));
      if (n === 2) c.ws.send('{"type":"mystery"}');
    });
    cleanup.push(() => srv.close());
    const resyncs: string[] = [];
    const s = client(srv.url, resyncs, 5_000);
    await until('third subscription', () => s.subscribedCount === 3);
    expect(resyncs).toHaveLength(2);
    expect(resyncs[0]).toMatch(/socket_sequence gap at 3/);
    expect(resyncs[1]).toMatch(/unreadable order events frame/);
  });
});
