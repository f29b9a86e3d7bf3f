import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { AssetConfigApi, LiveMetrics, PushResult, RunningAssetConfig } from '../actors/edge/api.ts';
import { createEdge, type ControlBody, type EngineApi } from '../actors/edge/app.ts';
import { loadJwtSecret } from '../actors/edge/auth.ts';
import { summariseLatency } from '../actors/edge/live-metrics.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { AssetConfig, Config } from '../shared/config/index.ts';
import { CambistError, errorMessage } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import {
  DEFAULT_RETENTION, openStore, type AuditEntry, type Incident as StoredIncident, type RetentionOptions, type Store,
} from '../shared/store/index.ts';
import { collectActorSeries } from './actor-metrics.ts';
import { createMetrics } from './metrics.ts';
import { exportSimCredentials, withSimUrls } from './sim-wiring.ts';
import type { Sim, SimOptions } from '../sim/index.ts';
import { startSimHost, type SimHost } from '../sim/host/index.ts';
import { Supervisor, type Incident } from './supervisor.ts';
import { ACTOR_ENTRIES, buildTopology, type Topology } from './topology.ts';

export interface Engine {
  supervisor: Supervisor;
  /**
   * The built-in simulators in sim mode, as the engine holds them: in their own worker thread by
   * default, with asynchronous control calls (faults, load, stats, truth).
   */
  simHost: SimHost | undefined;
  /** The in-process simulator object (`sim.in_process`), for tests that read the model; undefined when it runs in a worker. */
  sim: Sim | undefined;
  /** The config as running: in sim mode with the simulators' URLs filled in; live config edits applied. */
  config: Config;
  store: Store;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EngineOptions {
  config: Config;
  log: Logger;
  topology?: Topology;
  clock?: Clock;
  /** Retention windows (DESIGN §7 defaults: trades 90 d, opportunities 30 d, windows 365 d). */
  retention?: Omit<RetentionOptions, 'now_ms'>;
  /** Folder of the built console (default `<package root>/dist-web`). */
  consoleDir?: string;
  /**
   * Extra simulator options in sim mode (scenario, injected dislocations, no random ones, load).
   * `in_process`: run the simulators on the engine's main thread and expose them as `engine.sim`
   * (tests that read the model's orders and chain). Default: true when `sim` options are given (the
   * tests that pass them read `engine.sim`) or a `clock` (it cannot cross threads); false otherwise:
   * `cambist start` runs the simulators in their own worker, so they never compete with the
   * supervisor and the edge (the benchmarks ask for the worker with `in_process: false`).
   */
  sim?: Partial<Omit<SimOptions, 'seed' | 'clock'>> & { in_process?: boolean };
}

const RETENTION_EVERY_MS = 3_600_000;
const STATS_TIMEOUT_MS = 250;
const CONFIGURE_TIMEOUT_MS = 2_000;

/** The configured store: SQLite in `data_dir`, or MongoDB from the variable `store.mongodb_url_env` names. */
export async function openEngineStore(cfg: Config): Promise<Store> {
  if (cfg.store.kind === 'mongodb') {
    const url = process.env[cfg.store.mongodb_url_env];
    if (!url) throw new CambistError('STORE_MISCONFIGURED', `store.kind is mongodb but ${cfg.store.mongodb_url_env} is not set (store.mongodb_url_env names the variable holding the URL)`, { retry: 'fatal' });
    return openStore({ kind: 'mongodb', mongoUrl: url });
  }
  return openStore({ kind: 'sqlite', dataDir: cfg.data_dir });
}

// Supervisor incidents → store records. Timeline events are bounded ids in the store; a long kill
// reason moves into the entry's note rather than being cut.
function storedIncident(i: Incident): StoredIncident {
  return { id: i.id, ts_ms: i.ts_ms, kind: i.kind, reason: i.reason, actor: i.actor ?? 'operator', timeline: i.timeline.map(timelineEntry), resolved_ts_ms: i.resolved_ts_ms };
}
function timelineEntry(t: Incident['timeline'][number]) {
  const short = t.event.length <= 200;
  return { ts_ms: t.ts_ms, actor: 'supervisor', event: short ? t.event : `${t.event.slice(0, 197)}...`, note: short ? null : t.event };
}

/** A JSON-safe copy (the audit log stores before/after as JSON). */
const json = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/**
 * Wire one engine process: the store, the supervisor with its actors, the metrics registry and the
 * operator edge on `edge.host:edge.port`. The edge runs on the main thread beside the supervisor
 * (DESIGN §2 draws it as its own box); it only sees the `EngineApi` below and the store port, so
 * moving it into its own actor behind comlink changes this file and nothing in the routes.
 */
export async function startEngine(o: EngineOptions): Promise<Engine> {
  const clock = o.clock ?? systemClock;
  const log = o.log;
  // Sim mode: start the venue simulators first and point the venues at their loopback URLs; the
  // connectors then run exactly as they would against the real venues.
  const { in_process, ...simOpts } = o.sim ?? {};
  const simHost =
    o.config.mode === 'sim'
      ? await startSimHost(
          { scenario: o.config.sim.scenario, ...simOpts, seed: o.config.sim.seed, clock },
          {
            in_process: in_process ?? (o.sim !== undefined || o.clock !== undefined),
            // Crash-only: the simulator is not restarted (its seeded state would not resume); the
            // feeds go stale and say so on /v1/status. The engine keeps serving its console.
            onExit: (x) => log.error({ code: x.code, err: x.error }, 'the simulator worker exited; market data has stopped'),
          },
        )
      : undefined;
  const sim = simHost?.local;
  const simCfg = simHost ? withSimUrls(o.config, simHost.info.urls) : o.config;
  // Our own copy of the asset list: live config edits replace entries in it, never the caller's.
  let cfg: Config = { ...simCfg, assets: [...simCfg.assets] };
  if (simHost) {
    exportSimCredentials(cfg, { credentials: simHost.info.credentials, solana: { wallet: simHost.info.wallet } });
    log.info({ control: simHost.info.urls.control, seed: cfg.sim.seed, thread: simHost.thread }, 'simulators running');
  }
  mkdirSync(cfg.data_dir, { recursive: true });
  const secret = loadJwtSecret(cfg.data_dir);
  let store: Store;
  try {
    store = await openEngineStore(cfg);
  } catch (e) {
    await simHost?.close();
    throw e;
  }
  const supervisor = new Supervisor({ config: cfg, topology: o.topology ?? buildTopology(cfg), log, clock });
  const registry = createMetrics(supervisor);
  const startedMs = clock.nowMs();
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };

  const audit = async (e: { who: string; action: string; target: string; before: unknown; after: unknown }): Promise<AuditEntry> => {
    const input = { ts_ms: Math.round(clock.nowMs()), actor: e.who, action: e.action, target: e.target, before: json(e.before), after: json(e.after) };
    log.info({ audit: input }, 'audit');
    try {
      return await store.appendAudit(input as Parameters<Store['appendAudit']>[0]);
    } catch (err) {
      throw new CambistError('AUDIT_WRITE_FAILED', `${e.action} on ${e.target} is in effect, but writing its audit entry failed: ${errorMessage(err)}`, { cause: err });
    }
  };

  // Incident writes are queued in order (an update must follow its insert) and never block the
  // supervisor; a failed write is logged loudly and the in-memory incident stays on /v1/status.
  let incidentWrites: Promise<void> = Promise.resolve();
  supervisor.onIncident = ({ type, incident }) => {
    const snapshot = storedIncident(incident);
    incidentWrites = incidentWrites.then(async () => {
      try {
        if (type === 'opened') await store.insertIncident(snapshot);
        else await store.updateIncident(snapshot.id, { resolved_ts_ms: snapshot.resolved_ts_ms, append_timeline: snapshot.timeline.slice(-1) });
      } catch (e) {
        log.error({ err: e, incident: incident.id, type }, 'incident not persisted');
      }
    });
    notify();
  };
  // Automatic control changes (risk gates, stale auto-pause) are audited like operator ones.
  supervisor.onAutoControl = (e) => {
    const target = e.req.scope?.asset ?? e.req.scope?.venue ?? 'global';
    audit({ who: e.actor, action: `auto_${e.req.action}`, target, before: e.before, after: e.after }).catch((err: unknown) => log.error({ err }, 'audit of an automatic control change failed'));
    notify();
  };

  const versions = new Map<string, { version: number; ts_ms: number; author: string }>();
  const config: AssetConfigApi = {
    assets: () => cfg.assets.map((a) => a.asset),
    get: (asset): RunningAssetConfig => {
      const a = cfg.assets.find((x) => x.asset === asset);
      if (!a) throw new CambistError('CONFIG_UNKNOWN_ASSET', `no asset "${asset}"; configured: ${cfg.assets.map((x) => x.asset).join(', ')}`);
      const v = versions.get(asset);
      return { asset, version: v?.version ?? null, source: v ? 'store' : 'file', updated_ts_ms: v?.ts_ms ?? null, author: v?.author ?? null, config: a };
    },
    apply: async (asset, next: AssetConfig, who) => {
      const index = cfg.assets.findIndex((x) => x.asset === asset);
      const before = config.get(asset).config;
      const stored = await store.putConfig({ asset, format: 'json', body: JSON.stringify(next), ts_ms: Math.round(clock.nowMs()), author: who });
      const assets = [...cfg.assets];
      assets[index] = next;
      cfg = { ...cfg, assets };
      versions.set(asset, { version: stored.version, ts_ms: stored.ts_ms, author: who });
      const pushed = await pushAssetConfig(asset);
      await audit({ who, action: 'config_put', target: asset, before, after: { version: stored.version, config: next } });
      notify();
      return { version: stored.version, pushed };
    },
  };

  /**
   * Hand the new slices to `signal:<asset>` and `executor:<asset>`. The slices come from the same
   * topology builder that made the startup ones, so a live edit and a restart see one shape; the
   * spec is updated too, so an actor restarted later starts with the edited config.
   */
  const pushAssetConfig = async (asset: string): Promise<PushResult[]> => {
    const specs = buildTopology(cfg, ACTOR_ENTRIES).actors;
    const out: PushResult[] = [];
    for (const name of [`signal:${asset}`, `executor:${asset}`]) {
      const h = supervisor.handles.find((x) => x.spec.name === name);
      const spec = specs.find((x) => x.name === name);
      if (!h || !spec) continue;
      h.spec.slice = spec.slice;
      if (!h.api) {
        out.push({ actor: name, ok: false, error: `${h.state}: it starts with the new config` });
        continue;
      }
      const call = h.api.configure(spec.slice);
      h.nudge();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), CONFIGURE_TIMEOUT_MS).unref());
      try {
        const r = await Promise.race([call, timeout]);
        out.push(r === 'timeout' ? { actor: name, ok: false, error: `no answer within ${CONFIGURE_TIMEOUT_MS} ms` } : { actor: name, ok: true });
      } catch (e) {
        log.error({ actor: name, err: e }, 'live config push failed');
        out.push({ actor: name, ok: false, error: errorMessage(e) });
      }
    }
    return out;
  };

  const actorCounters = async (): Promise<Record<string, number>[]> =>
    Promise.all(
      supervisor.handles.map(async (h) => {
        if (!h.api || h.state !== 'running') return {};
        h.nudge();
        const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), STATS_TIMEOUT_MS).unref());
        const s = await Promise.race([h.api.stats().catch((e: unknown) => log.warn({ actor: h.spec.name, err: e }, 'stats failed')), timeout]);
        return s?.counters ?? {};
      }),
    );

  // Feed health for /v1/status (and the console's stale banner): polled from the feed actors'
  // stats every 500 ms off the request path, so a status read never waits on a worker.
  const FEED_STATES = ['connecting', 'live', 'stale', 'resyncing', 'down'] as const;
  let feeds: { venue: string; asset: string; state: string; staleness_sec: number | null; resyncs: number }[] = [];
  const pollFeeds = async () => {
    const next: typeof feeds = [];
    for (const h of supervisor.handles) {
      if (!h.spec.kind.startsWith('feed:')) continue;
      const venue = h.spec.kind.slice(5);
      const slice = h.spec.slice as { routes?: { asset: string }[]; pools?: { asset: string }[] };
      const assets = [...new Set([...(slice.routes ?? []), ...(slice.pools ?? [])].map((r) => r.asset))];
      let c: Record<string, number> = {};
      if (h.api && h.state === 'running') {
        const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), STATS_TIMEOUT_MS).unref());
        c = (await Promise.race([h.api.stats().catch(() => undefined), timeout]))?.counters ?? {};
      }
      for (const asset of assets) {
        const st = c[`state_${asset}`];
        const age = c[`cambist_feed_staleness_seconds{venue="${venue}",asset="${asset}"}`];
        next.push({
          venue,
          asset,
          state: h.state !== 'running' ? 'down' : st === undefined ? 'connecting' : (FEED_STATES[st] ?? 'connecting'),
          staleness_sec: age === undefined || age < 0 ? null : age,
          resyncs: c.resyncs ?? 0,
        });
      }
    }
    feeds = next;
  };
  let feedPoll: Promise<void> | undefined;
  const feedTimer = setInterval(() => {
    feedPoll ??= pollFeeds().finally(() => (feedPoll = undefined));
  }, 500);
  feedTimer.unref();

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
      feeds,
      sim: simHost ? { control_url: simHost.info.urls.control, seed: cfg.sim.seed, thread: simHost.thread } : null,
    }),
    control: async (cmd: ControlBody, who: string) => {
      if (cmd.action === 'restart') throw new CambistError('CONTROL_BAD_ACTION', 'restart goes through restart()');
      const r = supervisor.applyControl(cmd);
      notify();
      const entry = await audit({ who, action: cmd.action, target: cmd.scope?.asset ?? cmd.scope?.venue ?? 'global', before: r.before, after: r.after });
      return { ...r, audit_id: entry.id };
    },
    restart: async (actor: string, who: string) => {
      const before = supervisor.handle(actor).restarts;
      await supervisor.restart(actor);
      await audit({ who, action: 'restart', target: actor, before: { restarts: before }, after: { restarts: before + 1 } });
    },
    metrics: async () => ({ contentType: registry.contentType, body: (await registry.metrics()) + (await collectActorSeries(supervisor.handles)) }),
    config,
    liveMetrics: async (): Promise<LiveMetrics> => summariseLatency(await actorCounters()),
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };

  // The edge listens before the actors start, so /healthz answers 503 "starting" during startup
  // rather than refusing connections.
  const edge = createEdge({
    engine: api,
    secret,
    controlsPerMin: cfg.edge.controls_per_min,
    store,
    nowMs: () => clock.nowMs(),
    ...(o.consoleDir ? { consoleDir: o.consoleDir } : {}),
    onStreamError: (topic, e) => log.warn({ topic, err: e }, 'stream poll failed; retrying at the next tick'),
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: edge.app.fetch, hostname: cfg.edge.host, port: cfg.edge.port }, () => resolve(s));
    s.once('error', reject);
  });
  edge.injectWebSocket(server);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${cfg.edge.host}:${port}`;
  const closeServer = () =>
    new Promise<void>((r) => {
      edge.close();
      server.close(() => r());
      // Keep-alive sockets would hold close() open: end them.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  try {
    await supervisor.start();
  } catch (e) {
    await closeServer();
    await store.close();
    await simHost?.close();
    throw e;
  }

  // Retention (DESIGN §7) once at start, so an engine restarted more often than hourly still
  // purges, then every hour. Deletes run in short chunks inside the store.
  let retentionRun: Promise<void> = Promise.resolve();
  const retention = () => {
    retentionRun = store
      .retention({ ...DEFAULT_RETENTION, ...o.retention, now_ms: Math.round(clock.nowMs()) })
      .then((n) => log.info({ deleted: n }, 'retention'), (e: unknown) => log.error({ err: e }, 'retention failed; next attempt in an hour'));
  };
  retention();
  const retentionTimer = setInterval(retention, RETENTION_EVERY_MS);
  retentionTimer.unref();

  log.info({ url, actors: supervisor.handles.map((h) => h.spec.name), store: store.kind }, 'engine running');
  let stopped: Promise<void> | undefined;
  return {
    supervisor,
    simHost,
    sim,
    get config() {
      return cfg;
    },
    store,
    url,
    port,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(retentionTimer);
        // Actors first (the recorder flushes its last batch), then the edge, then the store.
        clearInterval(feedTimer);
        await feedPoll;
        await supervisor.stop();
        await closeServer();
        await retentionRun;
        await incidentWrites;
        await store.close();
        await simHost?.close();
      })()),
  };
}
