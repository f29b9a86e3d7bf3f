import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { describeIssues } from '../../shared/config/load.ts';
import { CambistError, errorMessage } from '../../shared/errors.ts';
import { verifyToken, type Principal, type ScopeName } from './auth.ts';

/** Shared plumbing of the edge routes: error documents, scope checks, rate limits, query parsing. */
export type Env = { Variables: { principal: Principal } };

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500 | 503;

/**
 * Every error answer has one shape: `{ error: { code, message, ...details } }`; clients branch on
 * `code` (details: `issues` for validation errors, `restart_required` for a config change).
 */
export function problem(c: Context, status: ProblemStatus, code: string, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ error: { code, message, ...extra } }, status);
}

/**
 * Error codes whose HTTP status is not the default for their retry class. Store query errors are
 * the client's fault (a bad cursor, a limit out of range); a missing record is 404.
 */
const STATUS_BY_CODE: Record<string, ProblemStatus> = {
  ACTOR_UNKNOWN: 404,
  STORE_NOT_FOUND: 404,
  CONFIG_UNKNOWN_ASSET: 404,
  STORE_BAD_CURSOR: 400,
  STORE_INVALID_QUERY: 400,
  STORE_INVALID_RECORD: 400,
  AUDIT_WRITE_FAILED: 500,
  EDGE_NO_STORE: 503,
  EDGE_NO_CONFIG: 503,
};

export function statusOf(e: CambistError): ProblemStatus {
  return STATUS_BY_CODE[e.code] ?? (e.retry === 'retryable' ? 503 : e.retry === 'fatal' ? 500 : 409);
}

export function onEdgeError(e: Error, c: Context) {
  if (e instanceof CambistError) return problem(c, statusOf(e), e.code, e.message);
  return problem(c, 500, 'INTERNAL', errorMessage(e));
}

/** Verify a bearer token (or, for WebSocket upgrades, a `?token=`) and check its scope. */
export async function authorize(secret: Uint8Array, token: string | undefined, scope: ScopeName): Promise<Principal | { status: 401 | 403; code: string; message: string }> {
  if (!token) return { status: 401, code: 'AUTH_REQUIRED', message: 'send Authorization: Bearer <token> (mint one with `cambist token --scope read`)' };
  let p: Principal;
  try {
    p = await verifyToken(secret, token);
  } catch (e) {
    return { status: 401, code: 'AUTH_INVALID', message: `token rejected: ${errorMessage(e)}` };
  }
  if (!p.scopes.includes(scope)) return { status: 403, code: 'AUTH_SCOPE', message: `this needs the "${scope}" scope; the token has ${p.scopes.join(', ') || 'none'}` };
  return p;
}

export function scopeGuard(secret: Uint8Array): (scope: ScopeName) => MiddlewareHandler<Env> {
  return (scope) => async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const r = await authorize(secret, m?.[1], scope);
    if ('status' in r) return problem(c, r.status, r.code, r.message);
    c.set('principal', r);
    await next();
  };
}

/**
 * Fixed-window limiter per subject: enough to stop a runaway script hammering the controls. `skip`
 * lets a route exempt requests that change nothing (a config dry run).
 */
export function rateLimit(perMin: number, nowMs: () => number, what: string, skip?: (c: Context<Env>) => boolean): MiddlewareHandler<Env> {
  const windows = new Map<string, { start: number; n: number }>();
  return async (c, next) => {
    if (skip?.(c)) return next();
    const who = c.get('principal').subject;
    const now = nowMs();
    const w = windows.get(who);
    if (!w || now - w.start >= 60_000) windows.set(who, { start: now, n: 1 });
    else if (++w.n > perMin) {
      const retry = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      return problem(c, 429, 'RATE_LIMITED', `at most ${perMin} ${what} requests a minute; retry in ${retry} s`, { 'Retry-After': String(retry) });
    }
    await next();
  };
}

/** Parse the query string with a strict zod schema; the error names every bad parameter. */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): { ok: true; data: z.infer<S> } | { ok: false; res: Response } {
  const r = schema.safeParse(c.req.query(), { reportInput: true });
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, res: problem(c, 400, 'BAD_QUERY', describeIssues(r.error.issues).join('; ')) };
}

/** Read a JSON body; `undefined` with a 400 answer when it is not JSON. */
export async function readJson(c: Context, example: string): Promise<{ ok: true; data: unknown } | { ok: false; res: Response }> {
  try {
    return { ok: true, data: await c.req.json() };
  } catch (e) {
    return { ok: false, res: problem(c, 400, 'BAD_JSON', `the body must be JSON, e.g. ${example} (${errorMessage(e)})`) };
  }
}
