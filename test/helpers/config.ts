import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../../src/shared/config/index.ts';

const DEFAULT = new URL('../../config/default.yaml', import.meta.url);

/**
 * The default config with fast supervisor timings for tests, plus any overrides. Each call gets its
 * own temporary data dir unless one is given: test files run in parallel, and two engines' recorders
 * on the repo's ./data refused each other (SQLITE_BUSY at recorder start).
 */
export function testConfig(over: { supervisor?: Partial<Config['supervisor']>; data_dir?: string } = {}): Config {
  const cfg = parseConfig(readFileSync(DEFAULT, 'utf8'), 'config/default.yaml');
  return {
    ...cfg,
    log: { level: 'silent' },
    data_dir: over.data_dir ?? mkdtempSync(join(tmpdir(), 'cambist-test-')),
    supervisor: { ...cfg.supervisor, restart_initial_ms: 20, restart_max_ms: 200, unresponsive_ms: 1_000, handshake_timeout_ms: 60_000, ...over.supervisor },
  };
}

/**
 * A test engine config that trades SOL eagerly on the simulators (0.3 % thresholds, a small
 * haircut, a 1 s window grace) with its risk limits overridden; edge on an ephemeral port.
 */
export function eagerSolConfig(base: Config, risk: Partial<Config['assets'][number]['risk']> = {}): Config {
  const sol = base.assets[0]!;
  return {
    ...base,
    edge: { ...base.edge, port: 0 },
    assets: [
      {
        ...sol,
        signal: { ...sol.signal, profit_threshold_pct_hot: 0.3, profit_threshold_pct_cold: 0.3, slip_haircut_pct: 0.1, window_grace_sec: 1 },
        risk: { ...sol.risk, ...risk },
      },
      ...base.assets.slice(1),
    ],
  };
}
