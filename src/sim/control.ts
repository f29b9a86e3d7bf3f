import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FAULT_KINDS, type FaultRequest } from './faults.ts';
import { ASSETS, CEX_VENUES } from './market/assets.ts';
import type { DislocationSpec, TruthWindow } from './market/dislocations.ts';
import { type HttpWsServer, listenHttpWs, readBody, sendJson } from './net/server.ts';

export const SIM_VENUES = [...CEX_VENUES, 'solana', 'jupiter'] as const;

const faultSchema = z.strictObject({
  venue: z.enum(SIM_VENUES),
  kind: z.enum(FAULT_KINDS as [string, ...string[]]),
  count: z.number().int().positive().optional(),
  delay_ms: z.number().nonnegative().optional(),
  duration_ms: z.number().positive().optional(),
  fill_ratio: z.number().min(0).max(1).optional(),
});

const dislocationSchema = z.strictObject({
  asset: z.enum(ASSETS),
  venue: z.enum([...CEX_VENUES, 'dex']),
  bps: z.number().refine((x) => x !== 0, 'bps must be non-zero'),
  duration_ms: z.number().positive(),
  delay_ms: z.number().nonnegative().optional(),
});

export interface ControlDeps {
  seed: number;
  truth(): TruthWindow[];
  nowMs(): number;
  inject(f: FaultRequest): void;
  dislocate(d: DislocationSpec): string;
}

/**
 * The simulator's own control API (not a venue): ground truth for capture-rate scoring, and fault and
 * dislocation injection for tests, benchmarks and operators rehearsing incidents.
 */
export async function startControlServer(deps: ControlDeps, port?: number): Promise<HttpWsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/sim/truth') {
      return sendJson(res, 200, { seed: deps.seed, now_ms: deps.nowMs(), windows: deps.truth() });
    }
    if (req.method === 'GET' && path === '/sim/healthz') return sendJson(res, 200, { ok: true });
    if (req.method === 'POST' && (path === '/sim/faults' || path === '/sim/dislocations')) {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        return sendJson(res, 400, { error: 'BAD_JSON', message: e instanceof Error ? e.message : String(e) });
      }
      if (path === '/sim/faults') {
        const p = faultSchema.safeParse(body);
        if (!p.success) return sendJson(res, 400, { error: 'BAD_FAULT', message: z.prettifyError(p.error) });
        deps.inject(p.data as FaultRequest);
        return sendJson(res, 200, { ok: true, fault: p.data });
      }
      const p = dislocationSchema.safeParse(body);
      if (!p.success) return sendJson(res, 400, { error: 'BAD_DISLOCATION', message: z.prettifyError(p.error) });
      return sendJson(res, 200, { ok: true, id: deps.dislocate(p.data) });
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
