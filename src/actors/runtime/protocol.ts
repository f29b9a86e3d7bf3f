import type { MessagePort } from 'node:worker_threads';
import type { RingDescriptor } from '../../shared/ring/index.ts';

/**
 * What the supervisor and an actor say to each other outside the rings.
 *
 * Startup → Ready is the handshake (piscina's pattern): the supervisor posts one `StartupMessage`
 * on the worker's parentPort carrying everything the actor needs (frozen config slice, ring
 * descriptors, doorbells, the control block, its heartbeat block and a dedicated MessagePort for
 * the comlink control API). The actor builds itself, runs `start()`, and only then answers `Ready`.
 * An actor that fails before Ready answers `StartupFailed` (or dies), and is not respawned.
 */
export const ActorState = { starting: 0, running: 1, degraded: 2, stopping: 3, stopped: 4, faulted: 5 } as const;
export type ActorStateName = keyof typeof ActorState;
export const ACTOR_STATE_NAMES = Object.keys(ActorState) as ActorStateName[];

export interface RingEnds {
  /** Rings this actor consumes, all rung on `doorbell`. */
  inputs: RingDescriptor[];
  /** Rings this actor produces into, with the consumer's doorbell for each. */
  outputs: { ring: RingDescriptor; doorbell: SharedArrayBuffer }[];
  /** This actor's own doorbell (present when it has inputs). */
  doorbell?: SharedArrayBuffer;
}

export interface StartupMessage {
  type: 'startup';
  name: string;
  kind: string;
  /** The frozen config slice this actor needs (JSON-safe). */
  slice: unknown;
  rings: RingEnds;
  control: { sab: SharedArrayBuffer; assetCount: number };
  heartbeat: SharedArrayBuffer;
  heartbeatIntervalMs: number;
  logLevel: string;
  port: MessagePort;
}

/**
 * An actor asking the supervisor to throw a switch (risk gates, stale-feed auto-pause). Only the
 * supervisor writes the control block; an automatic `resume` only undoes a pause that was thrown for
 * the same reason, never an operator's.
 */
export interface ControlRequest {
  type: 'control-request';
  scope: { asset?: string; venue?: string } | null;
  action: 'pause' | 'resume' | 'observe_only_on' | 'kill';
  reason: 'staleFeed' | 'predictionError' | 'anomaly' | 'riskCap' | 'unhedged' | 'basis';
  detail: string;
}

export type ActorToSupervisor =
  | { type: 'ready' }
  | ControlRequest
  | { type: 'startup-failed'; code: string; message: string }
  | { type: 'state'; state: ActorStateName; detail?: string };

/** The comlink control API every actor exposes (typed; the supervisor wraps it). */
export interface ActorControlApi {
  stats(): Promise<ActorStats>;
  configure(slice: unknown): Promise<void>;
  stop(): Promise<void>;
  /** Chaos hook: throw from inside the actor so it dies as a crashing actor would. */
  crash(reason: string): Promise<void>;
}

export interface ActorStats {
  name: string;
  kind: string;
  state: ActorStateName;
  counters: Record<string, number>;
}

/**
 * Heartbeat block layout (one per actor incarnation): Int32 [0] state, [1] beat counter;
 * Float64 at byte 8: monotonic µs of the last beat. Written by the actor, read by the supervisor.
 */
export const HB_STATE = 0;
export const HB_COUNT = 1;
export const HB_LAST_US_F64 = 1;
export function createHeartbeatBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(16);
}
