import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { opportunity, trade } from '../../contract/store-factories.ts';
import { waitFor } from '../../helpers/wait.ts';
import { bearer, harness, jsonReq, type Harness } from '../../unit/edge/fixtures.ts';

/** The WebSocket stream over a real HTTP server, as the console uses it. */
let h: Harness | undefined;
let server: ServerType | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await h?.close();
  h = undefined;
  server = undefined;
});

interface Msg {
  topic: string;
  ts_ms: number;
  data: unknown;
  at: number;
}

async function listen(): Promise<{ port: number; h: Harness }> {
  h = await harness();
  const edge = h.edge;
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: edge.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  edge.injectWebSocket(server);
  return { port: (server.address() as AddressInfo).port, h };
}

async function connect(port: number, query: string): Promise<{ ws: WebSocket; msgs: Msg[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream?${query}`);
  sockets.push(ws);
  const msgs: Msg[] = [];
  ws.on('message', (b: Buffer) => msgs.push({ ...(JSON.parse(b.toString()) as Omit<Msg, 'at'>), at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, msgs };
}

const token = async (scope: 'read' | 'trade' = 'read') => (await bearer(scope)).authorization!.slice('Bearer '.length);

describe('GET /v1/stream (WebSocket)', () => {
  it('refuses a missing or bad token before upgrading', async () => {
    const { port } = await listen();
    await expect(connect(port, 'topics=status')).rejects.toThrow('HTTP 401');
    await expect(connect(port, 'token=garbage&topics=status')).rejects.toThrow('HTTP 401');
    await expect(connect(port, `token=${await token()}&topics=weather`)).rejects.toThrow('HTTP 400');
  });

  it('pushes status at once, every 500 ms, and right after a control change', async () => {
    const { port, h } = await listen();
    const { msgs } = await connect(port, `token=${await token()}&topics=status`);
    await waitFor(() => msgs.length >= 1, 'first status', 1_000, 5);
    expect(msgs[0]).toMatchObject({ topic: 'status', data: { mode: 'sim', controls: 0 } });
    expect(Math.abs(msgs[0]!.ts_ms - Date.now())).toBeLessThan(1_000);
    await waitFor(() => msgs.length >= 3, 'periodic status', 2_000, 10);
    const gap = msgs[2]!.at - msgs[1]!.at;
    expect(gap).toBeGreaterThan(300);
    expect(gap).toBeLessThan(800);

    const before = msgs.length;
    const sent = Date.now();
    const r = await h.edge.app.request('/v1/controls', jsonReq('POST', { action: 'pause' }, await bearer('trade')));
    expect(r.status).toBe(200);
    const pushed = await waitFor(() => msgs.slice(before).find((m) => (m.data as { controls: number }).controls === 1), 'status after control', 2_000, 2);
    // The periodic tick alone could take up to 500 ms.
    expect(pushed.at - sent).toBeLessThan(150);
    expect(msgs.every((m) => m.topic === 'status')).toBe(true);
  });

  it('pushes new opportunities and new or changed trades less than 200 ms after they land', async () => {
    const { port, h } = await listen();
    const { msgs } = await connect(port, `token=${await token()}&topics=opportunities,trades`);
    const now = Date.now();
    // Already there before the subscription: history is REST's job, not the stream's.
    await h.store.insertOpportunities([opportunity({ id: 'old', ts_ms: now - 1_000 })]);
    await new Promise((r) => setTimeout(r, 200));

    const landed = Date.now();
    await h.store.insertOpportunities([opportunity({ id: 'fresh-1', ts_ms: landed }), opportunity({ id: 'fresh-2', ts_ms: landed + 1 })]);
    const o = await waitFor(() => msgs.find((m) => m.topic === 'opportunities'), 'opportunities', 2_000, 2);
    expect(o.at - landed).toBeLessThan(200);
    expect((o.data as { id: string }[]).map((x) => x.id)).toEqual(['fresh-1', 'fresh-2']);

    await h.store.insertTradeIntent(trade({ trade_key: 'tk', created_ts_ms: landed, updated_ts_ms: landed }));
    const t1 = await waitFor(() => msgs.find((m) => m.topic === 'trades'), 'trade', 2_000, 2);
    expect(t1.data).toMatchObject([{ trade_key: 'tk', state: 'intent' }]);
    const changedAt = Date.now();
    await h.store.updateTrade('tk', { state: 'submitted', updated_ts_ms: landed + 5 });
    const t2 = await waitFor(() => msgs.filter((m) => m.topic === 'trades')[1], 'trade change', 2_000, 2);
    expect(t2.at - changedAt).toBeLessThan(200);
    expect(t2.data).toMatchObject([{ trade_key: 'tk', state: 'submitted' }]);
    await new Promise((r) => setTimeout(r, 300));
    // Each row once: no repeats while nothing changes, and nothing from before the subscription.
    expect(msgs.filter((m) => m.topic === 'opportunities').flatMap((m) => (m.data as { id: string }[]).map((x) => x.id))).toEqual(['fresh-1', 'fresh-2']);
    expect(msgs.filter((m) => m.topic === 'trades')).toHaveLength(2);
  });

  it('pushes metrics every second, and stops its timers when the last client leaves', async () => {
    const { port, h } = await listen();
    const { ws, msgs } = await connect(port, `token=${await token()}&topics=metrics`);
    const m = await waitFor(() => msgs.find((x) => x.topic === 'metrics'), 'metrics', 2_500, 10);
    expect(m.data).toEqual({ tick_to_signal_us: {}, detect_to_fill_ms: {} });
    expect(h.edge.hub.size).toBe(1);
    ws.close();
    await waitFor(() => h.edge.hub.size === 0, 'client removed', 2_000, 10);
  });
});
