import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AssetConfig } from '../../shared/config/index.ts';
import type { Store } from '../../shared/store/index.ts';
import type { ScopeName } from './auth.ts';
import type { Env } from './http.ts';

/**
 * What the edge needs from the engine. The routes only see this interface (plus the store port), so
 * the same app runs in-process with the supervisor (today) or behind comlink in its own actor, and is
 * tested with `app.request` against a fake.
 */
export interface EngineApi {
  mode: string;
  health(): { ok: boolean; reason: string };
  status(): Promise<unknown> | unknown;
  control(cmd: ControlBody, who: string): Promise<unknown> | unknown;
  restart(actor: string, who: string): Promise<void>;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Live per-asset config (GET/PUT /v1/config/:asset); absent → those routes answer 503. */
  config?: AssetConfigApi;
  /** Latency summaries for the `metrics` stream topic; absent → empty objects. */
  liveMetrics?(): Promise<LiveMetrics>;
  /**
   * Called on every change the engine makes on its own (an escalation to the kill switch, an
   * incident): the stream pushes `status` at once instead of at the next 500 ms tick.
   */
  subscribe?(listener: () => void): () => void;
}

export interface RunningAssetConfig {
  asset: string;
  /** Latest stored version applied since start; null while the config file's version runs. */
  version: number | null;
  source: 'file' | 'store';
  updated_ts_ms: number | null;
  author: string | null;
  config: AssetConfig;
}

export interface PushResult {
  actor: string;
  ok: boolean;
  error?: string;
}

export interface AssetConfigApi {
  assets(): string[];
  /** Throws `CONFIG_UNKNOWN_ASSET` for an asset the engine does not run. */
  get(asset: string): RunningAssetConfig;
  /**
   * Store a new version, make it the running config, push it to `signal:<asset>` and
   * `executor:<asset>` (those that exist) and write the audit entry. Resolves to the new version.
   */
  apply(asset: string, next: AssetConfig, who: string): Promise<{ version: number; pushed: PushResult[] }>;
}

/** Per-series summaries; keys are asset or leg names, values in the unit of the topic's key. */
export interface LatencySummary {
  last?: number;
  mean?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  count?: number;
}
export interface LiveMetrics {
  tick_to_signal_us: Record<string, LatencySummary>;
  detect_to_fill_ms: Record<string, LatencySummary>;
}

const controlScope = z.strictObject({ asset: z.string().optional(), venue: z.string().optional() }).optional();
export const controlBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.enum(['pause', 'resume', 'observe_only_on', 'observe_only_off']), scope: controlScope, reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('kill'), scope: controlScope, reason: z.string().min(1).max(500) }),
  z.strictObject({ action: z.literal('resume_after_kill'), scope: controlScope, confirm: z.string().min(1), reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('restart'), actor: z.string().min(1), reason: z.string().max(500).optional() }),
]);
export type ControlBody = z.infer<typeof controlBody>;

/** What every route module receives. */
export interface EdgeDeps {
  engine: EngineApi;
  store: Store | undefined;
  secret: Uint8Array;
  controlsPerMin: number;
  nowMs: () => number;
  scope: (s: ScopeName) => MiddlewareHandler<Env>;
  /** Tell stream subscribers that something changed (push status now). */
  changed: () => void;
}
