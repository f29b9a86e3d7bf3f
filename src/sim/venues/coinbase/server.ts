import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueFaults } from '../../faults.ts';
import type { MarketModel } from '../../market/model.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { type HttpWsServer, listenHttpWs } from '../../net/server.ts';
import { ERROR_SHAPES, withRestFaults } from '../../net/rest-faults.ts';
import { type CoinbaseUserChannel, serveCoinbaseSocket } from './ws.ts';

export interface CoinbaseServerOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  port?: number;
  subscribe_deadline_ms?: number;
  heartbeat_ms?: number;
  user?: CoinbaseUserChannel;
  /** REST handler (private brokerage API); 404 for everything when absent. */
  rest?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface CoinbaseServer {
  /** Market data WS (the real host serves it at the root path). */
  ws: string;
  /** User-data WS; the real venue uses a separate host, the simulator a second path on the same port. */
  ws_user: string;
  /** REST base, like `https://api.coinbase.com` (paths start with /api/v3/brokerage). */
  rest: string;
  server: HttpWsServer;
  close(): Promise<void>;
}

export async function startCoinbaseServer(o: CoinbaseServerOptions): Promise<CoinbaseServer> {
  const ws = {
    model: o.model,
    scheduler: o.scheduler,
    faults: o.faults,
    subscribe_deadline_ms: o.subscribe_deadline_ms ?? 5_000,
    heartbeat_ms: o.heartbeat_ms ?? 1_000,
    user: o.user,
  };
  const server = await listenHttpWs({
    port: o.port,
    wsPaths: ['/', '/user'],
    onSocket: (sock) => serveCoinbaseSocket(sock, ws),
    onRequest: o.rest === undefined ? undefined : withRestFaults(o.faults, o.scheduler, ERROR_SHAPES.coinbase, o.rest),
  });
  return { ws: server.wsUrl('/'), ws_user: server.wsUrl('/user'), rest: server.httpUrl, server, close: () => server.close() };
}
