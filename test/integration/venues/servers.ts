/**
 * Loopback HTTP servers that misbehave on purpose, for the unknown-outcome tests: one that never
 * answers, one that answers 502 with an HTML body (a gateway in front of the venue), one that resets
 * the connection, and a proxy that forwards to the simulator but loses the response of chosen
 * requests (the order was created; the client never hears about it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TestServer {
  url: string;
  /** Method and path of every request received. */
  seen: string[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer & { server: Server }> {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export type FaultMode = 'hang' | '502' | 'reset';

export function startFaultServer(mode: FaultMode): Promise<TestServer> {
  return listen((req, res) => {
    req.resume();
    if (mode === 'hang') return; // never answer: the client's deadline decides
    if (mode === '502') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }
    req.socket.destroy();
  });
}

const HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Forwards everything to `target`; while `dropWhen(method, path)` holds for a request (and the
 * remaining drop count is positive), the upstream response is read and thrown away and the client's
 * socket destroyed.
 */
export async function startLossyProxy(target: string, dropWhen: (method: string, path: string) => boolean, drops = 1): Promise<TestServer & { dropped: () => number }> {
  let left = drops;
  let dropped = 0;
  const s = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && typeof v === 'string') headers[k] = v;
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const drop = left > 0 && dropWhen(method, path);
      if (drop) left--;
      fetch(`${target}${path}`, { method, headers, body })
        .then(async (up) => {
          const text = await up.text();
          if (drop) {
            dropped++;
            req.socket.destroy();
            return;
          }
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        })
        .catch((e: unknown) => {
          res.writeHead(599);
          res.end(String(e));
        });
    });
  });
  return { ...s, dropped: () => dropped };
}
