import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueFaults } from '../../faults.ts';
import type { MarketModel } from '../../market/model.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { type HttpWsServer, listenHttpWs, sendJson } from '../../net/server.ts';
import { ERROR_SHAPES, withRestFaults } from '../../net/rest-faults.ts';
import { bookStamp, levelRows, pairInstrument } from './wire.ts';
import { serveBitstampSocket } from './ws.ts';

export interface BitstampServerOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  port?: number;
  reconnect_grace_ms?: number;
  /** Private REST v2 handler; returns false when it does not own the route. */
  privateRest?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface BitstampServer {
  /** `wss://ws.bitstamp.net` equivalent. */
  ws: string;
  /** `https://www.bitstamp.net` equivalent (paths start with /api/v2/). */
  rest: string;
  server: HttpWsServer;
  close(): Promise<void>;
}

const ORDER_BOOK = /^\/api\/v2\/order_book\/([a-z]+)\/$/;

export async function startBitstampServer(o: BitstampServerOptions): Promise<BitstampServer> {
  // `POST /sim/faults {venue: 'bitstamp', kind: 'depeg'}` moves the USDC/USD market this venue quotes.
  const offDepeg = o.faults.onDepeg((bps, duration_ms) => o.model.usdc.depeg(bps, duration_ms, o.scheduler.clock.nowMs()));
  const publicRest = (req: IncomingMessage, res: ServerResponse): void => {
    if (o.privateRest?.(req, res) === true) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const m = ORDER_BOOK.exec(url.pathname);
    const asset = m === null ? undefined : pairInstrument(m[1], o.model.assets);
    if (req.method === 'GET' && asset !== undefined) {
      // The full book with the microtimestamp of the last diff applied to it: the alignment point for diff_order_book.
      const snap = asset === 'USDC' ? o.model.usdc.snapshot() : o.model.snapshot('bitstamp', asset);
      const spec = asset === 'USDC' ? o.model.usdc.spec : o.model.spec(asset);
      sendJson(res, 200, { ...bookStamp(snap.micros), bids: levelRows(spec, snap.bids), asks: levelRows(spec, snap.asks) });
      return;
    }
    sendJson(res, 404, { status: 'error', reason: 'Not found', code: 'API0000' });
  };
  const server = await listenHttpWs({
    port: o.port,
    wsPaths: ['/'],
    onSocket: (ws) => serveBitstampSocket(ws, { model: o.model, scheduler: o.scheduler, faults: o.faults, reconnect_grace_ms: o.reconnect_grace_ms ?? 5_000 }),
    onRequest: withRestFaults(o.faults, o.scheduler, ERROR_SHAPES.bitstamp, publicRest),
  });
  return {
    ws: server.wsUrl('/'),
    rest: server.httpUrl,
    server,
    close: () => {
      offDepeg();
      return server.close();
    },
  };
}
