import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * One loopback HTTP server per venue that serves its REST paths and upgrades its WS paths. Real
 * venues split REST and WS across hosts; one port per venue keeps the simulator small and changes
 * nothing a connector can observe except the host name.
 */
export interface HttpWsServer {
  readonly port: number;
  readonly httpUrl: string;
  wsUrl(path: string): string;
  /** Every open socket, for fault injection (drop) and shutdown. */
  sockets(): WebSocket[];
  close(): Promise<void>;
}

export interface HttpWsOptions {
  port?: number;
  /** Paths (without query) that accept a WebSocket upgrade. */
  wsPaths: readonly string[];
  onSocket(ws: WebSocket, req: IncomingMessage): void;
  onRequest?(req: IncomingMessage, res: ServerResponse): void;
  /** May refuse an upgrade (e.g. a bad auth header) by returning an HTTP status. */
  checkUpgrade?(req: IncomingMessage): number | undefined;
}

export const LOOPBACK = '127.0.0.1';

export async function listenHttpWs(opts: HttpWsOptions): Promise<HttpWsServer> {
  // Coinbase level2 snapshots can be several MB; never be the side that rejects a big frame.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const server: Server = createServer((req, res) => {
    if (opts.onRequest !== undefined) opts.onRequest(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'NOT_FOUND', message: `no route ${req.method ?? ''} ${req.url ?? ''}` }));
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const refused = opts.wsPaths.includes(path) ? opts.checkUpgrade?.(req) : 404;
    if (refused !== undefined) {
      socket.end(`HTTP/1.1 ${refused} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => opts.onSocket(ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    httpUrl: `http://${LOOPBACK}:${port}`,
    wsUrl: (path) => `ws://${LOOPBACK}:${port}${path}`,
    sockets: () => [...wss.clients],
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve, reject) => wss.close((e) => (e ? reject(e) : resolve())));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** Read a request body as text (REST handlers parse it per venue rules). */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    const b = c as Buffer;
    n += b.length;
    if (n > limit) throw new RangeError(`request body over ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text).toString(), ...headers });
  res.end(text);
}

export function isOpen(ws: WebSocket): boolean {
  return ws.readyState === WebSocket.OPEN;
}
