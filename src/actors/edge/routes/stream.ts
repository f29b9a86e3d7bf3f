import type { Hono, MiddlewareHandler } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { EdgeDeps } from '../api.ts';
import { authorize, problem, type Env } from '../http.ts';
import { TOPICS, type StreamHub, type Topic } from '../stream-hub.ts';

/**
 * `GET /v1/stream?token=…&topics=status,opportunities,trades,metrics` (WebSocket, read scope).
 * Browsers cannot set headers on a WebSocket, so the token rides in the query string; it is checked
 * before the upgrade, so a bad token is a plain 401/403 and never a socket. Messages are JSON
 * `{ "topic": "...", "ts_ms": <epoch ms when sent>, "data": ... }`; the client sends nothing.
 */
const MAX_BUFFERED_BYTES = 8 << 20;

export function streamRoutes(app: Hono<Env>, d: EdgeDeps, hub: StreamHub, upgrade: UpgradeWebSocket<WebSocket>): void {
  const auth: MiddlewareHandler<Env> = async (c, next) => {
    const r = await authorize(d.secret, c.req.query('token'), 'read');
    if ('status' in r) return problem(c, r.status, r.code, r.message.replace('send Authorization: Bearer <token>', 'pass ?token=<token>'));
    const raw = (c.req.query('topics') ?? TOPICS.join(',')).split(',').filter((t) => t !== '');
    const unknown = raw.filter((t) => !(TOPICS as readonly string[]).includes(t));
    if (unknown.length > 0 || raw.length === 0) {
      return problem(c, 400, 'BAD_QUERY', `topics: expected a comma list of ${TOPICS.join(', ')}; found ${unknown.length > 0 ? unknown.map((t) => `"${t}"`).join(', ') : 'nothing'}`);
    }
    c.set('principal', r);
    await next();
  };

  app.get(
    '/v1/stream',
    auth,
    upgrade((c) => {
      const topics = new Set((c.req.query('topics') ?? TOPICS.join(',')).split(',').filter((t) => t !== '') as Topic[]);
      let remove: (() => void) | undefined;
      return {
        onOpen: (_e, ws) => {
          remove = hub.add({
            topics,
            send: (text) => {
              // A console that stopped reading (a suspended laptop) must not grow the edge's memory
              // without bound: past the cap it is closed and reconnects to a fresh state.
              if ((ws.raw?.bufferedAmount ?? 0) > MAX_BUFFERED_BYTES) ws.close(1013, 'client too slow');
              else ws.send(text);
            },
          });
        },
        onClose: () => remove?.(),
        onError: () => remove?.(),
      };
    }),
    (c) => problem(c, 400, 'WS_UPGRADE_REQUIRED', 'this is a WebSocket endpoint: connect with a WebSocket client'),
  );
}
