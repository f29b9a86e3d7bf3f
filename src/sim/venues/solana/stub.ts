import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MarketModel } from '../../market/model.ts';
import { type HttpWsServer, listenHttpWs, readBody, sendJson } from '../../net/server.ts';

/**
 * Placeholder Solana JSON-RPC and Jupiter endpoints: they exist so `startSim` hands out a complete
 * URL set, and they answer honestly that the method is not simulated yet (JSON-RPC -32601 / HTTP
 * 501) instead of inventing data. A few read-only cluster methods that need no account state work.
 */
export async function startSolanaStub(model: MarketModel, port?: number): Promise<HttpWsServer> {
  let slot = 300_000_000;
  const off = model.onEvent((e) => {
    if (e.kind === 'pool') slot = e.slot;
  });
  const answer = (method: unknown): { result: unknown } | { error: { code: number; message: string } } => {
    switch (method) {
      case 'getHealth':
        return { result: 'ok' };
      case 'getSlot':
        return { result: slot };
      case 'getBlockHeight':
        return { result: slot - 20_000_000 };
      case 'getVersion':
        return { result: { 'solana-core': '2.2.0-cambist-sim', 'feature-set': 0 } };
      default:
        return { error: { code: -32601, message: `Method not found (cambist sim does not simulate ${String(method)} yet)` } };
    }
  };
  const rpc = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32600, message: 'POST only' }, id: null });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return sendJson(res, 200, { jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${e instanceof Error ? e.message : String(e)}` }, id: null });
    }
    const one = (r: unknown): unknown => {
      const m = r as { id?: unknown; method?: unknown };
      return { jsonrpc: '2.0', ...answer(m.method), id: m.id ?? null };
    };
    sendJson(res, 200, Array.isArray(body) ? body.map(one) : one(body));
  };
  const server = await listenHttpWs({
    port,
    wsPaths: ['/'],
    onSocket: (ws) => {
      ws.on('message', (data) => {
        let m: { id?: unknown; method?: unknown } = {};
        try {
          m = JSON.parse(String(data)) as typeof m;
        } catch (e) {
          ws.send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${e instanceof Error ? e.message : String(e)}` }, id: null }));
          return;
        }
        ws.send(JSON.stringify({ jsonrpc: '2.0', ...answer(m.method), id: m.id ?? null }));
      });
    },
    onRequest: (req, res) => {
      rpc(req, res).catch((e: unknown) => sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }));
    },
  });
  return { ...server, close: async () => { off(); await server.close(); } };
}

export async function startJupiterStub(port?: number): Promise<HttpWsServer> {
  return listenHttpWs({
    port,
    wsPaths: [],
    onSocket: (ws) => ws.close(),
    onRequest: (req, res) => sendJson(res, 501, { error: `cambist sim does not simulate Jupiter ${req.method ?? ''} ${req.url ?? ''} yet` }),
  });
}
