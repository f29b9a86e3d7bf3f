import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetConfigApi, EngineApi, RunningAssetConfig } from '../../../src/actors/edge/api.ts';
import { createEdge, type EdgeOptions } from '../../../src/actors/edge/app.ts';
import { mintToken } from '../../../src/actors/edge/auth.ts';
import type { AssetConfig } from '../../../src/shared/config/index.ts';
import { CambistError } from '../../../src/shared/errors.ts';
import { openStore, type Store } from '../../../src/shared/store/index.ts';
import { testConfig } from '../../helpers/config.ts';

/** A fake engine over a real SQLite store in a temp dir: the edge's routes see exactly what they would in the engine. */
export const secret = new TextEncoder().encode('x'.repeat(48));

export async function bearer(scope: 'read' | 'trade' | 'admin', subject = `${scope}-user`): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintToken(secret, { scope, ttlSec: 300, subject })}` };
}

export function jsonReq(method: string, body: unknown, headers: Record<string, string>): RequestInit {
  return { method, headers: { ...headers, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

export interface Harness {
  store: Store;
  edge: ReturnType<typeof createEdge>;
  applied: { asset: string; config: AssetConfig; who: string }[];
  controls: unknown[];
  sol: () => AssetConfig;
  close(): Promise<void>;
}

export async function harness(over: Partial<EdgeOptions> & { controlsPerMin?: number } = {}): Promise<Harness> {
  const store = await openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'cambist-edge-')) });
  const assets = new Map(testConfig().assets.map((a) => [a.asset, a]));
  const applied: Harness['applied'] = [];
  const controls: unknown[] = [];
  let version = 0;
  const config: AssetConfigApi = {
    assets: () => [...assets.keys()],
    get: (asset): RunningAssetConfig => {
      const a = assets.get(asset);
      if (!a) throw new CambistError('CONFIG_UNKNOWN_ASSET', `no asset "${asset}"`);
      return { asset, version: version || null, source: version ? 'store' : 'file', updated_ts_ms: null, author: null, config: a };
    },
    apply: async (asset, next, who) => {
      applied.push({ asset, config: next, who });
      assets.set(asset, next);
      version++;
      return { version, pushed: [{ actor: `signal:${asset}`, ok: true }] };
    },
  };
  const engine: EngineApi = {
    mode: 'sim',
    health: () => ({ ok: true, reason: 'all actors running' }),
    status: () => ({ mode: 'sim', controls: controls.length }),
    control: (cmd) => {
      controls.push(cmd);
      return { before: {}, after: {} };
    },
    restart: async () => undefined,
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    config,
  };
  const edge = createEdge({ engine, secret, controlsPerMin: over.controlsPerMin ?? 30, store, ...over });
  return {
    store,
    edge,
    applied,
    controls,
    sol: () => assets.get('SOL')!,
    close: async () => {
      edge.close();
      await store.close();
    },
  };
}
