import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Eligibility } from './eligible.ts';
import type { LoadSpec } from './load.ts';
import { FAULT_KINDS, type FaultRequest, VENUE_FAULT_KINDS } from './faults.ts';
import { ASSETS, CEX_VENUES } from './market/assets.ts';
import type { DislocationSpec, TruthWindow } from './market/dislocations.ts';
import { type HttpWsServer, listenHttpWs, readBody, sendJson } from './net/server.ts';
import { PROFILE_SCHEMAS, type VenueProfile } from './profile.ts';

export const SIM_VENUES = [...CEX_VENUES, 'solana', 'jupiter'] as const;
export type SimVenueName = (typeof SIM_VENUES)[number];

const faultSchema = z
  .strictObject({
    venue: z.enum(SIM_VENUES),
    kind: z.enum(FAULT_KINDS as [string, ...string[]]),
    count: z.number().int().positive().optional(),
    delay_ms: z.number().nonnegative().optional(),
    duration_ms: z.number().positive().optional(),
    fill_ratio: z.number().min(0).max(1).optional(),
    slots: z.number().int().positive().max(150).optional(),
    processed: z.boolean().optional(),
    /** depeg: USDC against USD, signed bps (−120: 1 USDC = 0.988 USD); 0 ends a running depeg. */
    bps: z.number().min(-5_000).max(5_000).optional(),
  })
  // A kind the venue does not implement would be accepted and do nothing: refuse it instead.
  .superRefine((f, ctx) => {
    if (!VENUE_FAULT_KINDS[f.venue].includes(f.kind as FaultRequest['kind'])) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `${f.venue} does not implement ${f.kind} (it does: ${VENUE_FAULT_KINDS[f.venue].join(', ')})` });
    }
    if (f.kind === 'depeg' && f.bps === undefined) ctx.addIssue({ code: 'custom', path: ['bps'], message: 'a depeg needs bps (how far USDC moves against USD; 0 ends one)' });
  });

const dislocationSchema = z.strictObject({
  asset: z.enum(ASSETS),
  venue: z.enum([...CEX_VENUES, 'dex']),
  bps: z.number().refine((x) => x !== 0, 'bps must be non-zero'),
  duration_ms: z.number().positive(),
  delay_ms: z.number().nonnegative().optional(),
});

// A market-wide move of one asset's fundamental price (every venue follows with its lag).
const jumpSchema = z.strictObject({ asset: z.enum(ASSETS), bps: z.number().refine((x) => x !== 0 && x > -10_000, 'bps must be non-zero and above -10000') });

// `{book_updates_per_sec}` sets a load, `{book_updates_per_sec: 0}` or `{}` clears it.
const loadSchema = z.strictObject({ book_updates_per_sec: z.number().nonnegative().optional() });

export interface ControlDeps {
  seed: number;
  scenario: string | null;
  eligibility: Eligibility;
  truth(): TruthWindow[];
  nowMs(): number;
  inject(f: FaultRequest): void;
  dislocate(d: DislocationSpec): string;
  jump(asset: (typeof ASSETS)[number], bps: number): void;
  orders(venue: string | undefined): unknown;
  health(): { ok: boolean };
  profiles(): Record<SimVenueName, VenueProfile>;
  configure(venue: SimVenueName, p: VenueProfile, merge: boolean): void;
  setLoad(load: LoadSpec | null): void;
  stats(): unknown;
}

type Reply = { status: number; body: unknown };

function bad(error: string, e: z.ZodError): Reply {
  return { status: 400, body: { error, message: z.prettifyError(e) } };
}

function post(deps: ControlDeps, path: string, body: unknown): Reply | undefined {
  if (path === '/sim/faults') {
    const p = faultSchema.safeParse(body);
    if (!p.success) return bad('BAD_FAULT', p.error);
    deps.inject(p.data as FaultRequest);
    return { status: 200, body: { ok: true, fault: p.data } };
  }
  if (path === '/sim/dislocations') {
    const p = dislocationSchema.safeParse(body);
    if (!p.success) return bad('BAD_DISLOCATION', p.error);
    return { status: 200, body: { ok: true, id: deps.dislocate(p.data) } };
  }
  if (path === '/sim/jump') {
    const p = jumpSchema.safeParse(body);
    if (!p.success) return bad('BAD_JUMP', p.error);
    deps.jump(p.data.asset, p.data.bps);
    return { status: 200, body: { ok: true, jump: p.data } };
  }
  if (path === '/sim/load') {
    const p = loadSchema.safeParse(body);
    if (!p.success) return bad('BAD_LOAD', p.error);
    const rate = p.data.book_updates_per_sec ?? 0;
    deps.setLoad(rate > 0 ? { book_updates_per_sec: rate } : null);
    return { status: 200, body: { ok: true, load: rate > 0 ? { book_updates_per_sec: rate } : null } };
  }
  if (path === '/sim/profile') {
    const b = body as { venue?: unknown; replace?: unknown } | null;
    const venue = z.enum(SIM_VENUES).safeParse(b?.venue);
    if (!venue.success) return bad('BAD_PROFILE', venue.error);
    const { venue: _v, replace, ...rest } = b as Record<string, unknown>;
    const p = PROFILE_SCHEMAS[venue.data].safeParse(rest);
    if (!p.success) return bad('BAD_PROFILE', p.error);
    deps.configure(venue.data, p.data, replace !== true);
    return { status: 200, body: { ok: true, venue: venue.data, profile: deps.profiles()[venue.data] } };
  }
  return undefined;
}

/**
 * The simulator's own control API (not a venue): ground truth for capture-rate scoring, what the
 * venues received, health, and fault / latency / dislocation injection for tests, benchmarks and
 * operators rehearsing incidents.
 */
export async function startControlServer(deps: ControlDeps, port?: number): Promise<HttpWsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'GET') {
      if (path === '/sim/truth') return sendJson(res, 200, { seed: deps.seed, scenario: deps.scenario, now_ms: deps.nowMs(), eligibility: deps.eligibility, windows: deps.truth() });
      if (path === '/sim/orders') return sendJson(res, 200, { now_ms: deps.nowMs(), ...(deps.orders(url.searchParams.get('venue') ?? undefined) as object) });
      if (path === '/sim/health') {
        const h = deps.health();
        return sendJson(res, h.ok ? 200 : 503, h);
      }
      if (path === '/sim/healthz') return sendJson(res, 200, { ok: true });
      if (path === '/sim/stats') return sendJson(res, 200, deps.stats());
      if (path === '/sim/profile') return sendJson(res, 200, deps.profiles());
    }
    if (req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        return sendJson(res, 400, { error: 'BAD_JSON', message: e instanceof Error ? e.message : String(e) });
      }
      const r = post(deps, path, body);
      if (r !== undefined) return sendJson(res, r.status, r.body);
    }
    return sendJson(res, 404, { error: 'NOT_FOUND', message: `no route ${req.method ?? ''} ${path}` });
  };
  return listenHttpWs({
    port,
    wsPaths: [],
    onSocket: (ws) => ws.close(),
    onRequest: (req, res) => {
      handle(req, res).catch((e: unknown) => sendJson(res, 500, { error: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }));
    },
  });
}
