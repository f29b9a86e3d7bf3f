import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createEdgeApp, type ControlBody, type EngineApi } from '../actors/edge/app.ts';
import { loadJwtSecret } from '../actors/edge/auth.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { Config } from '../shared/config/index.ts';
import type { Logger } from '../shared/log.ts';
import { collectActorSeries } from './actor-metrics.ts';
import { createMetrics } from './metrics.ts';
import { withSimUrls } from './sim-wiring.ts';
import { startSim, type Sim } from '../sim/index.ts';
import { Supervisor } from './supervisor.ts';
import { buildTopology, type Topology } from './topology.ts';

export interface AuditEntry {
  ts_ms: number;
  who: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

export interface Engine {
  supervisor: Supervisor;
  /** The built-in simulators, in sim mode. */
  sim: Sim | undefined;
  /** The config as running: in sim mode with the simulators' URLs filled in. */
  config: Config;
  url: string;
  port: number;
  audit: AuditEntry[];
  stop(): Promise<void>;
}

/**
 * Wire one engine process: the supervisor with its actors, the metrics registry and the operator
 * edge on `edge.host:edge.port`. The edge runs on the main thread beside the supervisor (DESIGN §2
 * draws it as its own box); it only sees the `EngineApi` below, so moving it into its own actor
 * behind comlink changes this file and nothing in the routes.
 */
export async function startEngine(o: { config: Config; log: Logger; topology?: Topology; clock?: Clock }): Promise<Engine> {
  const clock = o.clock ?? systemClock;
  // Sim mode: start the venue simulators first and point the venues at their loopback URLs; the
  // connectors then run exactly as they would against the real venues.
  const sim = o.config.mode === 'sim' ? await startSim({ seed: o.config.sim.seed, clock }) : undefined;
  const cfg = sim ? withSimUrls(o.config, sim.urls) : o.config;
  if (sim) o.log.info({ control: sim.urls.control, seed: cfg.sim.seed }, 'simulators running');
  mkdirSync(cfg.data_dir, { recursive: true });
  const secret = loadJwtSecret(cfg.data_dir);
  const supervisor = new Supervisor({ config: cfg, topology: o.topology ?? buildTopology(cfg), log: o.log, clock });
  const registry = createMetrics(supervisor);
  const audit: AuditEntry[] = [];
  const startedMs = clock.nowMs();
  const record = (e: Omit<AuditEntry, 'ts_ms'>) => {
    const entry = { ts_ms: clock.nowMs(), ...e };
    audit.push(entry);
    o.log.info({ audit: entry }, 'audit');
  };

  const api: EngineApi = {
    mode: cfg.mode,
    health: () => supervisor.health(),
    status: () => ({
      mode: cfg.mode,
      started_ms: startedMs,
      uptime_sec: Math.round((clock.nowMs() - startedMs) / 1000),
      health: supervisor.health(),
      actors: supervisor.actorStatus(),
      control: supervisor.controlStatus(),
      kill_confirm: supervisor.pendingKillConfirmation() ?? null,
      incidents: supervisor.incidents,
      rings: supervisor.ringStatus(),
      sim: sim ? { control_url: sim.urls.control, seed: cfg.sim.seed } : null,
    }),
    control: (cmd: ControlBody, who: string) => {
      if (cmd.action === 'restart') throw new Error('restart goes through restart()');
      const r = supervisor.applyControl(cmd);
      record({ who, action: cmd.action, target: cmd.scope?.asset ?? cmd.scope?.venue ?? 'global', before: r.before, after: r.after });
      return r;
    },
    restart: async (actor: string, who: string) => {
      const before = supervisor.handle(actor).restarts;
      await supervisor.restart(actor);
      record({ who, action: 'restart', target: actor, before: { restarts: before }, after: { restarts: before + 1 } });
    },
    metrics: async () => ({ contentType: registry.contentType, body: (await registry.metrics()) + (await collectActorSeries(supervisor.handles)) }),
  };

  // The edge listens before the actors start, so /healthz answers 503 "starting" during startup
  // rather than refusing connections.
  const app = createEdgeApp({ engine: api, secret, controlsPerMin: cfg.edge.controls_per_min });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: cfg.edge.host, port: cfg.edge.port }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${cfg.edge.host}:${port}`;
  try {
    await supervisor.start();
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    await sim?.close();
    throw e;
  }
  o.log.info({ url, actors: supervisor.handles.map((h) => h.spec.name) }, 'engine running');
  let stopped: Promise<void> | undefined;
  return {
    supervisor,
    sim,
    config: cfg,
    url,
    port,
    audit,
    stop: () =>
      (stopped ??= (async () => {
        await supervisor.stop();
        await sim?.close();
        await new Promise<void>((r) => {
          server.close(() => r());
          // Keep-alive sockets would hold close() open: end them.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      })()),
  };
}
