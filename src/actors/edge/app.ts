import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { CambistError, errorMessage } from '../../shared/errors.ts';
import { describeIssues } from '../../shared/config/load.ts';
import { verifyToken, type Principal, type ScopeName } from './auth.ts';

/**
 * The operator edge (DESIGN §8): Hono routes over an `EngineApi`, so the same app runs in-process
 * with the supervisor (today) or behind comlink in its own actor, and is tested with `app.request`.
 */
export interface EngineApi {
  mode: string;
  health(): { ok: boolean; reason: string };
  status(): Promise<unknown> | unknown;
  control(cmd: ControlBody, who: string): Promise<unknown> | unknown;
  restart(actor: string, who: string): Promise<void>;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export const controlBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.enum(['pause', 'resume', 'observe_only_on', 'observe_only_off']), scope: z.strictObject({ asset: z.string().optional(), venue: z.string().optional() }).optional(), reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('kill'), scope: z.strictObject({ asset: z.string().optional(), venue: z.string().optional() }).optional(), reason: z.string().min(1).max(500) }),
  z.strictObject({ action: z.literal('resume_after_kill'), scope: z.strictObject({ asset: z.string().optional(), venue: z.string().optional() }).optional(), confirm: z.string().min(1), reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('restart'), actor: z.string().min(1), reason: z.string().max(500).optional() }),
]);
export type ControlBody = z.infer<typeof controlBody>;

type Env = { Variables: { principal: Principal } };

function problem(c: Context, status: 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503, code: string, message: string, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ error: { code, message } }, status);
}

/** Fixed-window limiter per subject: enough to stop a runaway script hammering the controls. */
function rateLimit(perMin: number, nowMs: () => number): MiddlewareHandler<Env> {
  const windows = new Map<string, { start: number; n: number }>();
  return async (c, next) => {
    const who = c.get('principal').subject;
    const now = nowMs();
    const w = windows.get(who);
    if (!w || now - w.start >= 60_000) windows.set(who, { start: now, n: 1 });
    else if (++w.n > perMin) {
      const retry = Math.ceil((w.start + 60_000 - now) / 1000);
      return problem(c, 429, 'RATE_LIMITED', `at most ${perMin} control requests a minute; retry in ${retry} s`, { 'Retry-After': String(retry) });
    }
    await next();
  };
}

export function createEdgeApp(o: { engine: EngineApi; secret: Uint8Array; controlsPerMin: number; nowMs?: () => number }): Hono<Env> {
  const app = new Hono<Env>();
  const nowMs = o.nowMs ?? (() => Date.now());

  const requireScope = (scope: ScopeName): MiddlewareHandler<Env> => async (c, next) => {
    const h = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return problem(c, 401, 'AUTH_REQUIRED', 'send Authorization: Bearer <token> (mint one with `cambist token --scope read`)');
    let p: Principal;
    try {
      p = await verifyToken(o.secret, m[1]!);
    } catch (e) {
      return problem(c, 401, 'AUTH_INVALID', `token rejected: ${errorMessage(e)}`);
    }
    if (!p.scopes.includes(scope)) return problem(c, 403, 'AUTH_SCOPE', `this needs the "${scope}" scope; the token has ${p.scopes.join(', ') || 'none'}`);
    c.set('principal', p);
    await next();
  };

  app.onError((e, c) => {
    if (e instanceof CambistError) {
      const status = e.code === 'ACTOR_UNKNOWN' ? 404 : e.retry === 'retryable' ? 503 : 409;
      return problem(c, status, e.code, e.message);
    }
    return problem(c, 500, 'INTERNAL', errorMessage(e));
  });

  app.get('/healthz', (c) => {
    const h = o.engine.health();
    return c.json({ status: h.ok ? 'ok' : 'unavailable', reason: h.reason }, h.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const m = await o.engine.metrics();
    return c.body(m.body, 200, { 'content-type': m.contentType });
  });

  app.get('/v1/status', requireScope('read'), async (c) => c.json(await o.engine.status()));

  app.post('/v1/controls', requireScope('trade'), rateLimit(o.controlsPerMin, nowMs), async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return problem(c, 400, 'BAD_JSON', 'the body must be JSON, e.g. {"action":"pause"}');
    }
    const parsed = controlBody.safeParse(raw, { reportInput: true });
    if (!parsed.success) return problem(c, 400, 'BAD_REQUEST', describeIssues(parsed.error.issues).join('; '));
    const who = c.get('principal').subject;
    if (parsed.data.action === 'restart') {
      if (!c.get('principal').scopes.includes('admin')) return problem(c, 403, 'AUTH_SCOPE', 'restarting an actor needs the "admin" scope');
      await o.engine.restart(parsed.data.actor, who);
      return c.json({ ok: true, action: 'restart', actor: parsed.data.actor });
    }
    return c.json({ ok: true, ...((await o.engine.control(parsed.data, who)) as object) });
  });

  app.notFound((c) => problem(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  return app;
}
