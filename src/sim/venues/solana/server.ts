import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueFaults } from '../../faults.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { type HttpWsServer, listenHttpWs, readBody } from '../../net/server.ts';
import { ERROR_SHAPES, withRestFaults } from '../../net/rest-faults.ts';
import type { SolanaChain } from './chain.ts';
import { PubSubConnection } from './pubsub.ts';
import { SolanaRpc } from './rpc.ts';
import { RpcFailure, rpcJson } from './wire.ts';

export interface SolanaServerOptions {
  chain: SolanaChain;
  scheduler: Scheduler;
  faults: VenueFaults;
  port?: number;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text).toString() });
  res.end(text);
}

/**
 * Solana JSON-RPC on loopback: HTTP POST at any path (Helius puts `?api-key=` in the query; it is
 * ignored) and PubSub WebSocket upgrades on `/`. The `delay` fault delays HTTP answers as well as
 * WS messages; `drop` terminates every PubSub socket.
 */
export async function startSolanaServer(o: SolanaServerOptions): Promise<HttpWsServer> {
  const rpc = new SolanaRpc(o.chain);
  const one = (req: unknown): unknown => {
    const m = req as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
    const id = m?.id ?? null;
    if (m === null || typeof m !== 'object' || m.jsonrpc !== '2.0' || typeof m.method !== 'string') {
      return { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id };
    }
    try {
      return { jsonrpc: '2.0', result: rpc.call(m.method, Array.isArray(m.params) ? (m.params as unknown[]) : []), id };
    } catch (e) {
      if (e instanceof RpcFailure) return { jsonrpc: '2.0', error: e.error, id };
      throw e;
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendText(res, 405, rpcJson({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request: POST only' }, id: null }));
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return sendText(res, 200, rpcJson({ jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${e instanceof Error ? e.message : String(e)}` }, id: null }));
    }
    // Answer computed now (the state the request saw), delivered after the injected RPC delay.
    const text = rpcJson(Array.isArray(body) ? body.map(one) : one(body));
    const delay = o.faults.delay_ms;
    if (delay > 0) o.scheduler.after(delay, () => sendText(res, 200, text));
    else sendText(res, 200, text);
  };
  const conns = new Set<PubSubConnection>();
  const server = await listenHttpWs({
    port: o.port,
    wsPaths: ['/'],
    onSocket: (ws) => {
      const c = new PubSubConnection(ws, o.chain, o.scheduler, o.faults);
      conns.add(c);
      ws.on('close', () => conns.delete(c));
    },
    onRequest: withRestFaults(o.faults, o.scheduler, ERROR_SHAPES.solana, (req, res) => {
      handle(req, res).catch((e: unknown) => sendText(res, 500, JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: `Internal error: ${e instanceof Error ? e.message : String(e)}` }, id: null })));
    }),
  });
  const offDrop = o.faults.onDrop(() => {
    for (const ws of server.sockets()) ws.terminate();
  });
  return {
    ...server,
    close: async () => {
      offDrop();
      for (const c of conns) c.close();
      await server.close();
    },
  };
}
