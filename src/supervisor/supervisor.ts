import type { Config } from '../shared/config/index.ts';
import { seededRandom, systemClock, type Clock } from '../shared/clock.ts';
import { ControlBlock, ControlFlag, type ControlReasonName, type Scope, type ScopeState } from '../shared/control.ts';
import { CambistError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import { VENUE_NAMES } from '../shared/messages/enums.ts';
import { createDoorbell, createRing, ringStats, type RingDescriptor, type RingStats } from '../shared/ring/index.ts';
import type { ControlRequest, RingEnds } from '../actors/runtime/protocol.ts';
import { ActorHandle } from './actor-handle.ts';
import { decideRestart, type RestartPolicy } from './policy.ts';
import type { Topology } from './topology.ts';

export interface Incident {
  id: string;
  ts_ms: number;
  kind: 'actor_crash_loop' | 'operator_kill' | 'risk';
  reason: string;
  actor: string | null;
  timeline: { ts_ms: number; event: string }[];
  resolved_ts_ms: number | null;
}

export interface ActorStatus {
  name: string;
  kind: string;
  state: string;
  restarts: number;
  heartbeat_age_ms: number;
  last_error: string | null;
}

/** Automatic pauses that their own gate lifts again, and when (the incident says so); others wait for an operator. */
const AUTO_RESUMES: Partial<Record<ControlRequest['reason'], string>> = {
  staleFeed: 'automatically when every feed is fresh again',
  basis: 'automatically when the USD vs USDC basis is back inside its limit',
  anomaly: 'automatically once the mid has stayed inside the limit for anomaly_resume_sec (unless that is 0)',
  riskCap: 'automatically at 00:00 UTC when the daily caps reset (or an operator resume)',
};

export type ControlAction = 'pause' | 'resume' | 'observe_only_on' | 'observe_only_off' | 'kill' | 'resume_after_kill';

export interface ControlCommand {
  action: ControlAction;
  scope?: { asset?: string; venue?: string };
  reason?: string;
  /** For `resume_after_kill`: the confirmation token returned by the first `kill`-acknowledging step. */
  confirm?: string;
}

export interface SupervisorOptions {
  config: Config;
  topology: Topology;
  log: Logger;
  clock?: Clock;
  random?: () => number;
}

/**
 * The supervisor: creates every ring and doorbell, starts actors in dependency order with the
 * Startup → Ready handshake, watches heartbeats and exits, restarts with backoff, escalates crash
 * loops to the kill switch with an incident, owns the control block, and stops everything in reverse
 * order. It is the only place that decides an actor's fate; actors just crash.
 */
export class Supervisor {
  readonly control: ControlBlock;
  readonly handles: ActorHandle[] = [];
  readonly rings: RingDescriptor[] = [];
  readonly incidents: Incident[] = [];
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: RestartPolicy;
  private readonly assetNames: string[];
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private started = false;
  private killResumeToken: string | undefined;

  constructor(private readonly o: SupervisorOptions) {
    const cfg = o.config;
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? seededRandom(cfg.sim.seed ^ 0x5eed);
    this.assetNames = cfg.assets.map((a) => a.asset);
    this.control = ControlBlock.create(cfg.assets.length);
    const s = cfg.supervisor;
    this.policy = { initialMs: s.restart_initial_ms, maxMs: s.restart_max_ms, escalateRestarts: s.escalate_restarts, windowMs: s.escalate_window_sec * 1000 };

    const ends = new Map<string, RingEnds>(o.topology.actors.map((a) => [a.name, { inputs: [], outputs: [] }]));
    for (const spec of o.topology.rings) {
      const ring = createRing({ name: spec.name, capacityBytes: spec.capacityBytes, policy: spec.policy });
      this.rings.push(ring);
      const to = ends.get(spec.to)!;
      to.doorbell ??= createDoorbell();
      to.inputs.push(ring);
      ends.get(spec.from)!.outputs.push({ ring, doorbell: to.doorbell });
    }
    const env = {
      clock: this.clock,
      control: { sab: this.control.sab, assetCount: cfg.assets.length },
      heartbeatIntervalMs: s.heartbeat_interval_ms,
      handshakeTimeoutMs: s.handshake_timeout_ms,
      logLevel: cfg.log.level,
    };
    for (const spec of o.topology.actors) {
      this.handles.push(new ActorHandle(spec, ends.get(spec.name)!, env, (h, info) => this.onActorExit(h, info), (h, req) => this.onControlRequest(h, req)));
    }
  }

  /**
   * Start every actor in rank order (consumers first). If one fails before Ready, the ones already
   * started are stopped and the start fails with that actor's error: a config or code error, not
   * something a restart would fix.
   */
  async start(): Promise<void> {
    // Every actor boots at once: a worker's start is mostly loading and compiling its modules, and
    // doing that in parallel halves the wait on two cores. Rings already exist, so a producer that
    // is ready before its consumer just fills the ring; nothing is lost by the order.
    const results = await Promise.allSettled(this.handles.map((h) => h.start()));
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) {
      const e = (results[failed] as PromiseRejectedResult).reason as Error;
      this.o.log.error({ actor: this.handles[failed]!.spec.name, err: e }, 'actor failed before Ready; not respawned');
      await this.stop();
      throw e;
    }
    for (const h of this.handles) this.o.log.info({ actor: h.spec.name }, 'actor ready');
    this.started = true;
    const every = Math.max(50, Math.min(this.o.config.supervisor.unresponsive_ms / 4, 500));
    this.healthTimer = setInterval(() => this.checkHeartbeats(), every);
  }

  /** Ready means: started, and every actor running (degraded counts as up). */
  health(): { ok: boolean; reason: string } {
    if (!this.started) return { ok: false, reason: 'starting' };
    if (this.stopping) return { ok: false, reason: 'stopping' };
    const down = this.handles.filter((h) => h.state !== 'running' && h.state !== 'degraded');
    if (down.length > 0) return { ok: false, reason: `actors not running: ${down.map((h) => `${h.spec.name} (${h.state})`).join(', ')}` };
    return { ok: true, reason: 'all actors running' };
  }

  actorStatus(): ActorStatus[] {
    return this.handles.map((h) => ({
      name: h.spec.name,
      kind: h.spec.kind,
      state: h.state,
      restarts: h.restarts,
      heartbeat_age_ms: Math.round(h.heartbeatAgeMs()),
      last_error: h.lastError ?? null,
    }));
  }

  ringStatus(): RingStats[] {
    return this.rings.map(ringStats);
  }

  controlStatus(): { global: ScopeState; assets: Record<string, ScopeState>; venues: Record<string, ScopeState> } {
    return {
      global: this.control.read({ kind: 'global' }),
      assets: Object.fromEntries(this.assetNames.map((a, index) => [a, this.control.read({ kind: 'asset', index })])),
      venues: Object.fromEntries(VENUE_NAMES.map((venue) => [venue, this.control.read({ kind: 'venue', venue })])),
    };
  }

  private scope(s: ControlCommand['scope']): Scope {
    if (s?.asset !== undefined) {
      const index = this.assetNames.indexOf(s.asset);
      if (index < 0) throw new CambistError('CONTROL_BAD_SCOPE', `unknown asset "${s.asset}"; configured: ${this.assetNames.join(', ')}`);
      return { kind: 'asset', index };
    }
    if (s?.venue !== undefined) {
      const venue = VENUE_NAMES.find((v) => v === s.venue);
      if (!venue) throw new CambistError('CONTROL_BAD_SCOPE', `unknown venue "${s.venue}"; known: ${VENUE_NAMES.join(', ')}`);
      return { kind: 'venue', venue };
    }
    return { kind: 'global' };
  }

  /**
   * Apply an operator control. A kill is deliberate to undo: `kill` answers a one-time confirmation
   * token, and only `resume_after_kill` with that token clears it (two steps, DESIGN §6).
   */
  applyControl(cmd: ControlCommand, reason: ControlReasonName = 'operator'): { before: ScopeState; after: ScopeState; confirm?: string } {
    const scope = this.scope(cmd.scope);
    const before = this.control.read(scope);
    const nowSec = Math.floor(this.clock.nowMs() / 1000);
    let confirm: string | undefined;
    switch (cmd.action) {
      case 'pause':
        this.control.set(scope, ControlFlag.paused, true, reason, nowSec);
        break;
      case 'resume':
        if (before.killed) throw new CambistError('CONTROL_KILLED', 'the kill switch is on: resume needs the two-step resume_after_kill with the confirmation token from the kill');
        this.control.set(scope, ControlFlag.paused, false, reason, nowSec);
        break;
      case 'observe_only_on':
        this.control.set(scope, ControlFlag.observeOnly, true, reason, nowSec);
        break;
      case 'observe_only_off':
        this.control.set(scope, ControlFlag.observeOnly, false, reason, nowSec);
        break;
      case 'kill': {
        if (!cmd.reason?.trim()) throw new CambistError('CONTROL_REASON_REQUIRED', 'kill needs a reason (e.g. --reason "venue outage")');
        this.control.set(scope, ControlFlag.killed, true, reason, nowSec);
        confirm = this.killResumeToken = `resume-${Math.floor(this.random() * 2 ** 48).toString(36)}`;
        this.openIncident('operator_kill', cmd.reason, null);
        break;
      }
      case 'resume_after_kill':
        if (!before.killed) throw new CambistError('CONTROL_NOT_KILLED', 'the kill switch is not on in that scope');
        if (!cmd.confirm || cmd.confirm !== this.killResumeToken) {
          throw new CambistError('CONTROL_CONFIRM_MISMATCH', 'resume_after_kill needs the confirmation token returned by the kill (or by GET /v1/status → kill_confirm)');
        }
        this.control.set(scope, ControlFlag.killed | ControlFlag.paused, false, reason, nowSec);
        this.killResumeToken = undefined;
        for (const i of this.incidents) if (i.resolved_ts_ms === null) this.resolveIncident(i, 'resumed by operator after kill');
        break;
    }
    return { before, after: this.control.read(scope), ...(confirm ? { confirm } : {}) };
  }

  /** The pending kill confirmation (for the console's two-step resume). */
  pendingKillConfirmation(): string | undefined {
    return this.killResumeToken;
  }

  handle(name: string): ActorHandle {
    const h = this.handles.find((x) => x.spec.name === name);
    if (!h) throw new CambistError('ACTOR_UNKNOWN', `no actor named "${name}"; running: ${this.handles.map((x) => x.spec.name).join(', ')}`);
    return h;
  }

  /** Operator restart: end the current incarnation; the exit path restarts it (counted). */
  async restart(name: string): Promise<void> {
    const h = this.handle(name);
    if (!h.worker) throw new CambistError('ACTOR_NOT_RUNNING', `${name} is ${h.state}; it cannot be restarted now`);
    this.o.log.warn({ actor: name }, 'operator restart');
    await h.kill();
  }

  private onActorExit(h: ActorHandle, info: { code: number; error?: Error }): void {
    if (this.stopping) return;
    const now = this.clock.nowMs();
    this.o.log.error({ actor: h.spec.name, code: info.code, err: info.error }, 'actor exited');
    const d = decideRestart(this.policy, h.restartTimes, now, this.random);
    if (d.action === 'escalate') {
      h.state = 'faulted';
      const reason = `${h.spec.name} restarted ${d.restartsInWindow} times within ${this.policy.windowMs / 1000} s; last error: ${info.error?.message ?? `exit code ${info.code}`}`;
      this.control.set({ kind: 'global' }, ControlFlag.killed, true, 'escalation', Math.floor(now / 1000));
      this.openIncident('actor_crash_loop', reason, h.spec.name, h.restartTimes.map((t) => ({ ts_ms: t, event: `${h.spec.name} restarted` })));
      this.o.log.fatal({ actor: h.spec.name }, `kill switch on: ${reason}`);
      return;
    }
    h.state = 'restarting';
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.stopping) return;
      h.restarts++;
      h.start().then(
        () => this.o.log.warn({ actor: h.spec.name, restarts: h.restarts }, 'actor restarted'),
        (e: unknown) => {
          // A restart that fails its handshake counts as another crash of the same actor.
          this.onActorExit(h, { code: -1, error: e as Error });
        },
      );
    }, d.delayMs);
    this.restartTimers.add(timer);
  }

  /**
   * An actor's gate fired (stale feed, prediction error, anomaly, risk cap, unhedged exposure).
   * Automatic resumes only lift a pause thrown for the same reason: an operator's pause stays.
   */
  private onControlRequest(h: ActorHandle, req: ControlRequest): void {
    if (this.stopping) return;
    let scope: Scope;
    try {
      scope = this.scope(req.scope ?? undefined);
    } catch (e) {
      this.o.log.error({ actor: h.spec.name, req, err: e }, 'control request with a bad scope ignored');
      return;
    }
    const cur = this.control.read(scope);
    const nowSec = Math.floor(this.clock.nowMs() / 1000);
    const where = req.scope?.asset ?? req.scope?.venue ?? 'global';
    // Every automatic trip is an incident with its reason, its timeline and what resumes it; an
    // automatic resume closes the incident its own trip opened.
    const trip = (flag: string, resumes: string) =>
      this.openIncident('risk', `${req.reason} → ${flag} (${where}): ${req.detail}`, h.spec.name, [], `${flag} on (${req.reason}); resumes: ${resumes}`);
    switch (req.action) {
      case 'pause':
        if (!cur.paused) {
          this.control.set(scope, ControlFlag.paused, true, req.reason, nowSec);
          trip('pause', AUTO_RESUMES[req.reason] ?? 'an operator resume');
        }
        break;
      case 'resume':
        if (cur.paused && cur.reason === req.reason) {
          this.control.set(scope, ControlFlag.paused, false, req.reason, nowSec);
          for (const i of this.incidents) if (i.resolved_ts_ms === null && i.actor === h.spec.name && i.reason.startsWith(`${req.reason} → pause (${where})`)) this.resolveIncident(i, `resumed automatically: ${req.detail}`);
        }
        break;
      case 'observe_only_on':
        if (!cur.observe_only) {
          this.control.set(scope, ControlFlag.observeOnly, true, req.reason, nowSec);
          trip('observe-only', 'an operator turning observe-only off after review');
        }
        break;
      case 'kill':
        if (!cur.killed) {
          this.control.set(scope, ControlFlag.killed, true, req.reason, nowSec);
          this.killResumeToken = `resume-${Math.floor(this.random() * 2 ** 48).toString(36)}`;
          trip('kill switch', 'the two-step resume_after_kill');
        }
        break;
    }
    this.o.log.warn({ actor: h.spec.name, req, before: cur, after: this.control.read(scope) }, 'control request applied');
    this.onAutoControl?.({ actor: h.spec.name, req, before: cur, after: this.control.read(scope) });
  }

  /** Hook for the engine: audit automatic control changes like operator ones. */
  onAutoControl: ((e: { actor: string; req: ControlRequest; before: ScopeState; after: ScopeState }) => void) | undefined;

  private checkHeartbeats(): void {
    const limit = this.o.config.supervisor.unresponsive_ms;
    for (const h of this.handles) {
      if (h.state !== 'running' && h.state !== 'degraded') continue;
      if (h.heartbeatAgeMs() > limit) {
        this.o.log.error({ actor: h.spec.name, heartbeat_age_ms: Math.round(h.heartbeatAgeMs()) }, 'actor unresponsive; restarting');
        h.state = 'unresponsive';
        h.lastError = `no heartbeat for ${Math.round(h.heartbeatAgeMs())} ms (limit ${limit} ms)`;
        void h.kill();
      }
    }
  }

  openIncident(kind: Incident['kind'], reason: string, actor: string | null, earlier: Incident['timeline'] = [], firstEvent?: string): Incident {
    const now = this.clock.nowMs();
    const inc: Incident = {
      id: `inc-${now}-${this.incidents.length + 1}`,
      ts_ms: now,
      kind,
      reason,
      actor,
      timeline: [...earlier, { ts_ms: now, event: firstEvent ?? (kind === 'actor_crash_loop' ? 'kill switch on (escalation)' : `kill switch on: ${reason}`) }],
      resolved_ts_ms: null,
    };
    this.incidents.push(inc);
    this.onIncident?.({ type: 'opened', incident: inc });
    return inc;
  }

  /**
   * Hook for the engine: persist incidents (insert on open, update on resolve). The in-memory list
   * stays the source for /v1/status, so a slow or failing store never hides an open incident.
   */
  onIncident: ((e: { type: 'opened' | 'resolved'; incident: Incident }) => void) | undefined;

  private resolveIncident(i: Incident, event: string): void {
    const now = this.clock.nowMs();
    i.timeline.push({ ts_ms: now, event });
    i.resolved_ts_ms = now;
    this.onIncident?.({ type: 'resolved', incident: i });
  }

  /** Stop every actor in reverse start order (producers first), each bounded in time. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.healthTimer);
    for (const t of this.restartTimers) clearTimeout(t);
    // Reverse dependency order, one rank at a time (feeds stop producing first, the recorder flushes
    // last); actors of one rank stop together, so the whole stop fits the shutdown budget.
    const ranks = [...new Set(this.handles.map((h) => h.spec.rank))].sort((a, b) => b - a);
    const perRank = Math.max(200, this.o.config.supervisor.shutdown_timeout_ms / Math.max(1, ranks.length));
    for (const r of ranks) await Promise.all(this.handles.filter((h) => h.spec.rank === r).map((h) => h.stop(perRank)));
  }
}
