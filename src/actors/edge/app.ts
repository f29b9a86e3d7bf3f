import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import type { Store } from '../../shared/store/index.ts';
import type { EdgeDeps, EngineApi } from './api.ts';
import { onEdgeError, problem, scopeGuard, type Env } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { configRoutes } from './routes/config.ts';
import { consoleRoutes, defaultConsoleDir } from './routes/console.ts';
import { exportRoutes } from './routes/export.ts';
import { recordRoutes } from './routes/records.ts';
import { streamRoutes } from './routes/stream.ts';
import { systemRoutes } from './routes/system.ts';
import { StreamHub, type StreamIntervals, type Topic } from './stream-hub.ts';

export { controlBody, type ControlBody, type EngineApi } from './api.ts';

/**
 * The operator edge (DESIGN §8): Hono routes over an `EngineApi` and the store port, so the same app
 * runs in-process with the supervisor (today) or behind comlink in its own actor, and is tested with
 * `app.request`. Route groups live in `routes/`; this file only wires them.
 */
export interface EdgeOptions {
  engine: EngineApi;
  secret: Uint8Array;
  /** Control and config-change requests per minute per user. */
  controlsPerMin: number;
  nowMs?: () => number;
  /** History routes read it; without it they answer 503 EDGE_NO_STORE. */
  store?: Store;
  /** Folder of the built console; default `<package root>/dist-web`. */
  consoleDir?: string;
  stream?: Partial<StreamIntervals>;
  onStreamError?: (topic: Topic, e: unknown) => void;
}

export interface Edge {
  app: Hono<Env>;
  hub: StreamHub;
  /** Attach the WebSocket upgrade handler to the HTTP server `serve()` returned. */
  injectWebSocket: ReturnType<typeof createNodeWebSocket>['injectWebSocket'];
  /** Stop the stream timers and close every WebSocket. */
  close(): void;
}

export function createEdge(o: EdgeOptions): Edge {
  const app = new Hono<Env>();
  const nowMs = o.nowMs ?? (() => Date.now());
  const hub = new StreamHub({ engine: o.engine, store: o.store, nowMs, intervals: o.stream, onError: o.onStreamError });
  const deps: EdgeDeps = {
    engine: o.engine,
    store: o.store,
    secret: o.secret,
    controlsPerMin: o.controlsPerMin,
    nowMs,
    scope: scopeGuard(o.secret),
    changed: () => hub.changed(),
  };
  // Changes the engine makes by itself (an escalation, an incident) reach the stream too.
  const unsubscribe = o.engine.subscribe?.(() => hub.changed());
  const ws = createNodeWebSocket({ app });

  app.onError(onEdgeError);
  systemRoutes(app, deps);
  app.get('/v1/openapi.json', (c) => c.json(openApiDocument()));
  recordRoutes(app, deps);
  exportRoutes(app, deps);
  configRoutes(app, deps);
  streamRoutes(app, deps, hub, ws.upgradeWebSocket);
  // Last: its catch-all must not shadow any API route.
  consoleRoutes(app, o.consoleDir ?? defaultConsoleDir());
  app.notFound((c) => problem(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));

  return {
    app,
    hub,
    injectWebSocket: ws.injectWebSocket,
    close: () => {
      unsubscribe?.();
      hub.close();
      for (const client of ws.wss.clients) client.terminate();
    },
  };
}

/** The app alone (tests that need no WebSocket server). */
export function createEdgeApp(o: EdgeOptions): Hono<Env> {
  return createEdge(o).app;
}
