import { loadJwtSecret, mintToken } from '../../src/actors/edge/auth.ts';
import type { Engine } from '../../src/supervisor/engine.ts';

/** The parts of `GET /v1/status` the integration tests read. */
export interface StatusBody {
  control: {
    global: { killed: boolean; paused: boolean; reason: string };
    assets: Record<string, { paused: boolean; observe_only: boolean; killed: boolean; reason: string }>;
  };
  feeds: { venue: string; asset: string; state: string }[];
  incidents: { reason: string; resolved_ts_ms: number | null; timeline: { event: string }[] }[];
  sim: { control_url: string } | null;
}

/** A `GET /v1/status` reader for a running engine, with a read token minted from its data dir. */
export async function statusReader(engine: Engine): Promise<() => Promise<StatusBody>> {
  const token = await mintToken(loadJwtSecret(engine.config.data_dir), { scope: 'read', ttlSec: 600 });
  return async () => (await (await fetch(`${engine.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as StatusBody;
}
