import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { ControlBlock } from '../../shared/control.ts';
import { CambistError, errorMessage } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import { Doorbell, RingProducer, type RingDescriptor } from '../../shared/ring/index.ts';
import {
  ActorState, HB_COUNT, HB_LAST_US_F64, HB_STATE,
  type ActorControlApi, type ActorStateName, type ActorStats, type ActorToSupervisor, type ControlRequest, type RingEnds, type StartupMessage,
} from './protocol.ts';

/** A ring this actor produces into, with the doorbell of its consumer. */
export class Output {
  readonly producer: RingProducer;
  private readonly bell: Doorbell;
  constructor(readonly ring: RingDescriptor, doorbell: SharedArrayBuffer) {
    this.producer = new RingProducer(ring);
    this.bell = new Doorbell(doorbell);
  }
  /** Publish the claimed record and wake the consumer if it sleeps. */
  publish(): void {
    this.producer.publish();
    this.bell.ring();
  }
}

export interface ActorContext<S = unknown> {
  readonly name: string;
  readonly kind: string;
  readonly slice: S;
  readonly log: Logger;
  readonly clock: Clock;
  readonly control: ControlBlock;
  readonly rings: RingEnds;
  /** Output rings by ring name. */
  readonly outputs: ReadonlyMap<string, Output>;
  setState(state: ActorStateName, detail?: string): void;
  /** Ask the supervisor to throw a switch (it alone writes the control block). */
  requestControl(req: Omit<ControlRequest, 'type'>): void;
}

/**
 * What an actor module implements. `start` runs before Ready (a throw there fails startup and the
 * actor is not respawned); `stop` releases resources; handlers must not swallow errors (crash-only:
 * a broken invariant ends the thread and the supervisor restarts it from a clean start).
 */
export interface Actor {
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  configure?(slice: unknown): void | Promise<void>;
  stats?(): Record<string, number>;
}

export type ActorFactory<S> = (ctx: ActorContext<S>) => Actor | Promise<Actor>;

/**
 * Entry point of every actor module: `runActor((ctx) => ({ start, stop, ... }))` at module level.
 * It waits for the supervisor's Startup message, builds the actor, runs `start()`, exposes the
 * comlink control API on the dedicated port, starts the heartbeat and answers Ready.
 */
export function runActor<S>(factory: ActorFactory<S>): void {
  const port = parentPort;
  if (!port) throw new CambistError('ACTOR_NOT_IN_WORKER', 'actor modules run inside a worker started by the supervisor', { retry: 'fatal' });
  port.once('message', (msg: StartupMessage) => {
    boot(factory, msg).catch((e: unknown) => {
      const out: ActorToSupervisor = { type: 'startup-failed', code: e instanceof CambistError ? e.code : 'ACTOR_START_FAILED', message: errorMessage(e) };
      port.postMessage(out);
      // Crash-only: a failed start ends the thread; the supervisor reports it and does not respawn.
      process.exit(1);
    });
  });
}

async function boot<S>(factory: ActorFactory<S>, msg: StartupMessage): Promise<void> {
  const port = parentPort!;
  const hbI32 = new Int32Array(msg.heartbeat, 0, 2);
  const hbF64 = new Float64Array(msg.heartbeat, 0, 2);
  const log = createLogger({ level: msg.logLevel, name: msg.name });
  let state: ActorStateName = 'starting';
  const setState = (s: ActorStateName, detail?: string) => {
    if (s === state) return;
    state = s;
    Atomics.store(hbI32, HB_STATE, ActorState[s]);
    const note: ActorToSupervisor = { type: 'state', state: s, ...(detail ? { detail } : {}) };
    port.postMessage(note);
    log.info({ state: s, detail }, 'actor state');
  };
  const outputs = new Map(msg.rings.outputs.map((o) => [o.ring.name, new Output(o.ring, o.doorbell)]));
  const ctx: ActorContext<S> = {
    name: msg.name,
    kind: msg.kind,
    slice: msg.slice as S,
    log,
    clock: systemClock,
    control: new ControlBlock(msg.control.sab, msg.control.assetCount),
    rings: msg.rings,
    outputs,
    setState,
    requestControl: (req) => {
      const m: ActorToSupervisor = { type: 'control-request', ...req };
      port.postMessage(m);
      log.warn({ control: req }, 'control requested');
    },
  };
  const beat = () => {
    hbF64[HB_LAST_US_F64] = systemClock.monoUs();
    Atomics.add(hbI32, HB_COUNT, 1);
  };
  beat();
  const actor = await factory(ctx);
  await actor.start();
  const heartbeat = setInterval(beat, msg.heartbeatIntervalMs);
  let stopping: Promise<void> | undefined;
  const api: ActorControlApi = {
    stats: async (): Promise<ActorStats> => ({ name: msg.name, kind: msg.kind, state, counters: actor.stats?.() ?? {} }),
    configure: async (slice: unknown) => {
      await actor.configure?.(slice);
    },
    stop: () =>
      (stopping ??= (async () => {
        setState('stopping');
        await actor.stop();
        clearInterval(heartbeat);
        setState('stopped');
      })()),
    crash: async (reason: string) => {
      // Thrown from a fresh macrotask so it is an uncaught exception in the worker, exactly like a
      // real bug in a handler, rather than a rejected comlink call the supervisor would just see.
      setImmediate(() => {
        throw new CambistError('ACTOR_CRASH_INJECTED', `${msg.name}: injected crash: ${reason}`, { retry: 'fatal' });
      });
    },
  };
  Comlink.expose(api, nodeEndpoint(msg.port));
  setState('running');
  const ready: ActorToSupervisor = { type: 'ready' };
  port.postMessage(ready);
}
