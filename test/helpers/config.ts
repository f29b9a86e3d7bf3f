import { readFileSync } from 'node:fs';
import { parseConfig, type Config } from '../../src/shared/config/index.ts';

const DEFAULT = new URL('../../config/default.yaml', import.meta.url);

/** The default config with fast supervisor timings for tests, plus any overrides. */
export function testConfig(over: { supervisor?: Partial<Config['supervisor']>; data_dir?: string } = {}): Config {
  const cfg = parseConfig(readFileSync(DEFAULT, 'utf8'), 'config/default.yaml');
  return {
    ...cfg,
    log: { level: 'silent' },
    data_dir: over.data_dir ?? cfg.data_dir,
    supervisor: { ...cfg.supervisor, restart_initial_ms: 20, restart_max_ms: 200, unresponsive_ms: 1_000, handshake_timeout_ms: 60_000, ...over.supervisor },
  };
}
