import { describe, expect, it } from 'vitest';
import { createEdgeApp, type ControlBody, type EngineApi } from '../../../src/actors/edge/app.ts';
import { mintToken } from '../../../src/actors/edge/auth.ts';

const secret = new TextEncoder().encode('x'.repeat(48));

function fakeEngine() {
  const calls: { cmd?: ControlBody; actor?: string; who: string }[] = [];
  let healthy = false;
  const engine: EngineApi = {
    mode: 'sim',
    health: () => ({ ok: healthy, reason: healthy ? 'all actors running' : 'starting' }),
    status: () => ({ mode: 'sim', actors: [] }),
    control: (cmd, who) => {
      calls.push({ cmd, who });
      return { before: {}, after: {} };
    },
    restart: async (actor, who) => {
      calls.push({ actor, who });
    },
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'cambist_up 1\n' }),
  };
  return { engine, calls, setHealthy: (v: boolean) => (healthy = v) };
}

const bearer = async (scope: 'read' | 'trade' | 'admin', ttlSec = 60, nowSec?: number) => ({
  authorization: `Bearer ${await mintToken(secret, { scope, ttlSec, subject: `${scope}-user`, ...(nowSec ? { nowSec } : {}) })}`,
});
const post = async (body: unknown, headers: Record<string, string>) => ({ method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('edge API', () => {
  it('serves /healthz without a token: 503 with the reason while starting, 200 once ready', async () => {
    const f = fakeEngine();
    const app = createEdgeApp({ engine: f.engine, secret, controlsPerMin: 30 });
    let r = await app.request('/healthz');
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: 'unavailable', reason: 'starting' });
    f.setHealthy(true);
    r = await app.request('/healthz');
    expect(r.status).toBe(200);
  });

  it('serves /metrics without a token in the Prometheus text format', async () => {
    const r = await createEdgeApp({ engine: fakeEngine().engine, secret, controlsPerMin: 30 }).request('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await r.text()).toBe('cambist_up 1\n');
  });

  it('answers 401 without a token, with a bad or expired token, 403 with the wrong scope, 200 with the right one', async () => {
    const f = fakeEngine();
    const app = createEdgeApp({ engine: f.engine, secret, controlsPerMin: 30 });
    expect((await app.request('/v1/status')).status).toBe(401);
    expect(((await (await app.request('/v1/status')).json()) as { error: { code: string } }).error.code).toBe('AUTH_REQUIRED');
    expect((await app.request('/v1/status', { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
    const other = `Bearer ${await mintToken(new TextEncoder().encode('y'.repeat(48)), { scope: 'admin', ttlSec: 60 })}`;
    expect((await app.request('/v1/status', { headers: { authorization: other } })).status).toBe(401);
    const expired = await bearer('read', 60, Math.floor(Date.now() / 1000) - 3600);
    expect((await app.request('/v1/status', { headers: expired })).status).toBe(401);
    expect((await app.request('/v1/status', { headers: await bearer('read') })).status).toBe(200);

    const pause = { action: 'pause' };
    const forbidden = await app.request('/v1/controls', await post(pause, await bearer('read')));
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('AUTH_SCOPE');
    expect((await app.request('/v1/controls', await post(pause, await bearer('trade')))).status).toBe(200);
    expect(f.calls).toEqual([{ cmd: { action: 'pause' }, who: 'trade-user' }]);

    expect((await app.request('/v1/controls', await post({ action: 'restart', actor: 'signal:SOL' }, await bearer('trade')))).status).toBe(403);
    expect((await app.request('/v1/controls', await post({ action: 'restart', actor: 'signal:SOL' }, await bearer('admin')))).status).toBe(200);
    expect(f.calls.at(-1)).toEqual({ actor: 'signal:SOL', who: 'admin-user' });
  });

  it('validates control bodies and names the bad field', async () => {
    const app = createEdgeApp({ engine: fakeEngine().engine, secret, controlsPerMin: 30 });
    const r = await app.request('/v1/controls', await post({ action: 'kill' }, await bearer('trade')));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^reason: expected string/);
    const bad = await app.request('/v1/controls', { method: 'POST', headers: { ...(await bearer('trade')), 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
  });

  it('rate limits controls per user with 429 and Retry-After', async () => {
    let now = 1_000_000;
    const app = createEdgeApp({ engine: fakeEngine().engine, secret, controlsPerMin: 3, nowMs: () => now });
    const h = await bearer('trade');
    for (let i = 0; i < 3; i++) expect((await app.request('/v1/controls', await post({ action: 'pause' }, h))).status).toBe(200);
    const limited = await app.request('/v1/controls', await post({ action: 'pause' }, h));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    now += 60_000;
    expect((await app.request('/v1/controls', await post({ action: 'pause' }, h))).status).toBe(200);
  });
});
