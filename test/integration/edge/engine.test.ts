import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadJwtSecret, mintToken } from '../../../src/actors/edge/auth.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { openStore } from '../../../src/shared/store/index.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { opportunity } from '../../contract/store-factories.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The engine wiring end to end over HTTP: store opened from the config, controls and config edits
 * audited in the store, incidents persisted, live config pushed to the running signal actor
 * (a fixture that counts configure() calls), retention at start, store closed on stop.
 */
const STEADY = new URL('../../fixtures/actors/steady.ts', import.meta.url);
const log = createLogger({ level: 'silent' });
const DAY = 86_400_000;

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function boot() {
  const dir = mkdtempSync(join(tmpdir(), 'cambist-engine-'));
  const now = Date.now();
  const pre = await openStore({ kind: 'sqlite', dataDir: dir });
  await pre.insertOpportunities([opportunity({ id: 'ancient', ts_ms: now - 40 * DAY }), opportunity({ id: 'recent', ts_ms: now - 1_000 })]);
  await pre.close();
  const base = testConfig({ data_dir: dir });
  const config = { ...base, mode: 'paper' as const, edge: { ...base.edge, port: 0 } };
  engine = await startEngine({ config, log, topology: { actors: [{ name: 'signal:SOL', kind: 'signal', entry: STEADY, slice: {}, mode: 'none', rank: 0 }], rings: [] } });
  const secret = loadJwtSecret(dir);
  const auth = async (scope: 'read' | 'trade' | 'admin', subject: string) => ({ authorization: `Bearer ${await mintToken(secret, { scope, ttlSec: 300, subject })}` });
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const r = await fetch(`${engine!.url}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  return { engine, dir, auth, call };
}

describe('engine with store', () => {
  it('runs retention at start, audits controls, persists incidents through kill and resume', async () => {
    const { engine: e, auth, call } = await boot();
    const read = await auth('read', 'viewer');
    await waitFor(async () => {
      const r = await call('GET', '/v1/opportunities', read);
      return (r.body.items as { id: string }[]).map((o) => o.id).join() === 'recent';
    }, 'the 40-day-old opportunity purged');

    const bob = await auth('trade', 'bob');
    expect((await call('POST', '/v1/controls', bob, { action: 'pause', scope: { asset: 'SOL' } })).status).toBe(200);
    const audit = (await call('GET', '/v1/audit?action=pause', read)).body.items as Record<string, unknown>[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'bob', action: 'pause', target: 'SOL', before: { paused: false }, after: { paused: true } });

    const kill = await call('POST', '/v1/controls', bob, { action: 'kill', reason: 'venue outage drill' });
    expect(kill.status).toBe(200);
    const open = await waitFor(async () => {
      const items = (await call('GET', '/v1/incidents?status=open', read)).body.items as Record<string, unknown>[];
      return items.length === 1 ? items[0] : undefined;
    }, 'incident stored');
    expect(open).toMatchObject({ kind: 'operator_kill', reason: 'venue outage drill', resolved_ts_ms: null });
    expect((await call('POST', '/v1/controls', bob, { action: 'resume_after_kill', confirm: kill.body.confirm })).status).toBe(200);
    const resolved = await waitFor(async () => {
      const items = (await call('GET', '/v1/incidents?status=resolved', read)).body.items as Record<string, unknown>[];
      return items[0];
    }, 'incident resolved in the store');
    expect(resolved.id).toBe(open.id);
    expect((resolved.timeline as { event: string }[]).map((t) => t.event)).toEqual(['kill switch on: venue outage drill', 'resumed by operator after kill']);
    const actions = ((await call('GET', '/v1/audit', read)).body.items as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(['resume_after_kill', 'kill', 'pause']);
    expect(e.store.kind).toBe('sqlite');
  });

  it('applies a config change live: stored version, pushed to signal:<asset>, audited, and the store closes on stop', async () => {
    const { engine: e, auth, call } = await boot();
    const read = await auth('read', 'viewer');
    const current = (await call('GET', '/v1/config/SOL', read)).body as { config: { sizing: Record<string, number> } };
    const next = { ...current.config, sizing: { ...current.config.sizing, base_notional_quote: 75 } };
    const r = await call('PUT', '/v1/config/SOL', await auth('admin', 'alice'), next);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: true, version: 1, pushed: [{ actor: 'signal:SOL', ok: true }] });
    const stats = await e.supervisor.handle('signal:SOL').api!.stats();
    expect(stats.counters.configured).toBe(1);
    // A restart of the actor starts from the edited config.
    expect((e.supervisor.handle('signal:SOL').spec.slice as { sizing: { base_notional_quote: number } }).sizing.base_notional_quote).toBe(75);
    expect(await call('GET', '/v1/config/SOL', read)).toMatchObject({ body: { version: 1, source: 'store', author: 'alice', config: { sizing: { base_notional_quote: 75 } } } });
    expect(e.config.assets.find((a) => a.asset === 'SOL')!.sizing.base_notional_quote).toBe(75);
    const versions = await e.store.listConfigVersions('SOL');
    expect(versions.map((v) => [v.version, v.author])).toEqual([[1, 'alice']]);
    expect(JSON.parse(versions[0]!.body).sizing.base_notional_quote).toBe(75);
    const audit = (await call('GET', '/v1/audit?action=config_put', read)).body.items as { actor: string; before: { sizing: { base_notional_quote: number } }; after: { version: number } }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('alice');
    expect(audit[0]!.before.sizing.base_notional_quote).toBe(50);
    expect(audit[0]!.after.version).toBe(1);

    const store = e.store;
    await e.stop();
    engine = undefined;
    await expect(store.listAudit()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});
