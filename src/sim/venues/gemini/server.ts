import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueFaults } from '../../faults.ts';
import type { BookUpdate, MarketModel } from '../../market/model.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { type HttpWsServer, listenHttpWs } from '../../net/server.ts';
import { ERROR_SHAPES, withRestFaults } from '../../net/rest-faults.ts';
import { type GeminiOrderEventsDeps, type GeminiPrivateWs, geminiOrderEventsWs, ORDER_EVENTS_PATH } from './order-events.ts';
import { GeminiTape, type GeminiTrade, serveGeminiSocket } from './ws.ts';

export interface GeminiServerOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  port?: number;
  /** REST handler; when it is `geminiRest(...)` (it carries `orderEvents`), `/v1/order/events` is served too. */
  rest?: ((req: IncomingMessage, res: ServerResponse) => void) & { orderEvents?: GeminiOrderEventsDeps };
  /** Extra WS paths (order events) and their handler; overrides the one derived from `rest`. */
  privateWs?: { paths: string[]; check(req: IncomingMessage): number | undefined; serve(ws: import('ws').WebSocket, req: IncomingMessage): void; close?(): void };
  /** Order-events heartbeat period (Gemini: 5 s). */
  order_events_heartbeat_ms?: number;
}

export interface GeminiServer {
  /** `wss://api.gemini.com/v2/marketdata` equivalent. */
  ws: string;
  rest: string;
  /** `wss://api.gemini.com/v1/order/events` equivalent (same host as REST, as on Gemini), when served. */
  order_events: string | undefined;
  server: HttpWsServer;
  close(): Promise<void>;
}

export async function startGeminiServer(o: GeminiServerOptions): Promise<GeminiServer> {
  const tape = new GeminiTape();
  const listeners = new Set<(e: BookUpdate, t: GeminiTrade[]) => void>();
  const off = o.model.onEvent((e) => {
    if (e.kind !== 'book' || e.venue !== 'gemini') return;
    const trades = tape.record(e, o.model.spec(e.asset));
    for (const fn of listeners) fn(e, trades);
  });
  const opts = {
    model: o.model,
    scheduler: o.scheduler,
    faults: o.faults,
    tape,
    onTrades(fn: (e: BookUpdate, t: GeminiTrade[]) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  const fromRest: GeminiPrivateWs | undefined =
    o.privateWs === undefined && o.rest?.orderEvents !== undefined
      ? geminiOrderEventsWs({ ...o.rest.orderEvents, scheduler: o.scheduler, faults: o.faults, heartbeat_ms: o.order_events_heartbeat_ms })
      : undefined;
  const priv = o.privateWs ?? fromRest;
  const server = await listenHttpWs({
    port: o.port,
    wsPaths: ['/v2/marketdata', ...(priv?.paths ?? [])],
    checkUpgrade: (req) => (priv !== undefined && priv.paths.includes(new URL(req.url ?? '/', 'http://x').pathname) ? priv.check(req) : undefined),
    onSocket: (ws, req) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (priv !== undefined && priv.paths.includes(path)) priv.serve(ws, req);
      else serveGeminiSocket(ws, opts);
    },
    onRequest: o.rest === undefined ? undefined : withRestFaults(o.faults, o.scheduler, ERROR_SHAPES.gemini, o.rest),
  });
  return {
    ws: server.wsUrl('/v2/marketdata'),
    rest: server.httpUrl,
    order_events: priv?.paths.includes(ORDER_EVENTS_PATH) === true ? server.wsUrl(ORDER_EVENTS_PATH) : undefined,
    server,
    async close() {
      off();
      priv?.close?.();
      await server.close();
    },
  };
}
