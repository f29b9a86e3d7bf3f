import type { Hono } from 'hono';
import { describeIssues } from '../../../shared/config/load.ts';
import { controlBody, type EdgeDeps } from '../api.ts';
import { problem, rateLimit, readJson, type Env } from '../http.ts';

/** Liveness, Prometheus, the status document and the operator controls. */
export function systemRoutes(app: Hono<Env>, d: EdgeDeps): void {
  app.get('/healthz', (c) => {
    const h = d.engine.health();
    return c.json({ status: h.ok ? 'ok' : 'unavailable', reason: h.reason }, h.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const m = await d.engine.metrics();
    return c.body(m.body, 200, { 'content-type': m.contentType });
  });

  app.get('/v1/status', d.scope('read'), async (c) => c.json(await d.engine.status()));

  app.post('/v1/controls', d.scope('trade'), rateLimit(d.controlsPerMin, d.nowMs, 'control'), async (c) => {
    const body = await readJson(c, '{"action":"pause"}');
    if (!body.ok) return body.res;
    const parsed = controlBody.safeParse(body.data, { reportInput: true });
    if (!parsed.success) return problem(c, 400, 'BAD_REQUEST', describeIssues(parsed.error.issues).join('; '));
    const who = c.get('principal').subject;
    if (parsed.data.action === 'restart') {
      if (!c.get('principal').scopes.includes('admin')) return problem(c, 403, 'AUTH_SCOPE', 'restarting an actor needs the "admin" scope');
      await d.engine.restart(parsed.data.actor, who);
      d.changed();
      return c.json({ ok: true, action: 'restart', actor: parsed.data.actor });
    }
    const r = (await d.engine.control(parsed.data, who)) as object;
    d.changed();
    return c.json({ ok: true, ...r });
  });
}
