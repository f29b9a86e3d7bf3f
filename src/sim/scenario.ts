import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { ASSETS, CEX_VENUES } from './market/assets.ts';
import { PROFILE_SCHEMAS } from './profile.ts';

const venue = z.enum([...CEX_VENUES, 'dex']);

const autoSchema = z
  .strictObject({
    mean_interval_ms: z.number().positive(),
    bps_min: z.number().positive(),
    bps_max: z.number().positive(),
    duration_ms_min: z.number().positive(),
    duration_ms_max: z.number().positive(),
    assets: z.array(z.enum(ASSETS)).min(1).optional(),
    venues: z.array(venue).min(1).optional(),
  })
  .refine((a) => a.bps_max >= a.bps_min && a.duration_ms_max >= a.duration_ms_min, 'max must be >= min');

const dislocationSchema = z.strictObject({
  asset: z.enum(ASSETS),
  venue,
  bps: z.number().refine((x) => x !== 0, 'bps must be non-zero'),
  duration_ms: z.number().positive(),
  delay_ms: z.number().nonnegative().optional(),
});

const depegSchema = z.strictObject({
  /** USDC against USD, signed (−120: 1 USDC = 0.98800 USD). */
  bps: z.number().refine((x) => x !== 0, 'bps must be non-zero (how far USDC moves against USD)'),
  duration_ms: z.number().positive(),
  delay_ms: z.number().nonnegative().default(0),
});

/** A simulator scenario (`config/scenarios/<name>.yaml`). Unknown keys are errors, as in the engine's config. */
export const scenarioSchema = z.strictObject({
  description: z.string().min(1),
  assets: z.array(z.enum(ASSETS)).min(1).optional(),
  tick_ms: z.number().int().positive().optional(),
  dislocations: z.strictObject({
    /** Seeded random dislocations, or false for none. */
    auto: z.union([z.literal(false), autoSchema]),
    /** Fixed dislocations, `delay_ms` after start. */
    scheduled: z.array(dislocationSchema).default([]),
  }),
  /**
   * Scheduled USDC/USD depegs, `delay_ms` after start: the Bitstamp `usdcusd` book and every
   * USDC-quoted pool follow (the run-time `depeg` fault does the same on demand).
   */
  depegs: z.array(depegSchema).default([]),
  /** How the truth record's eligible size is measured. */
  eligibility: z
    .strictObject({ min_net_edge_bps: z.number(), haircut_bps: z.number().nonnegative() })
    .optional(),
  /** Standing latency and fault rates per venue (see profile.ts). */
  venues: z
    .strictObject({
      coinbase: PROFILE_SCHEMAS.coinbase.optional(),
      gemini: PROFILE_SCHEMAS.gemini.optional(),
      bitstamp: PROFILE_SCHEMAS.bitstamp.optional(),
      solana: PROFILE_SCHEMAS.solana.optional(),
      jupiter: PROFILE_SCHEMAS.jupiter.optional(),
    })
    .default({}),
  /** Book traffic from the start (`load.ts`): every simulated CEX book together, updates per second. */
  load: z.strictObject({ book_updates_per_sec: z.number().positive() }).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema> & { name: string };

export class ScenarioError extends Error {
  readonly code = 'SIM_SCENARIO';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScenarioError';
  }
}

/**
 * Where scenarios live: $CAMBIST_SCENARIOS, else `config/scenarios` under the working directory,
 * else the one beside this module (src/sim and dist/sim are both two levels below the repo root).
 */
export function scenarioDir(): string {
  const env = process.env.CAMBIST_SCENARIOS;
  if (env !== undefined && env !== '') return resolve(env);
  const cwd = resolve('config/scenarios');
  if (existsSync(cwd)) return cwd;
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'scenarios');
}

export function listScenarios(dir = scenarioDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort();
}

/** Validate a scenario document (already parsed YAML/JSON). */
export function parseScenario(doc: unknown, name: string): Scenario {
  const p = scenarioSchema.safeParse(doc);
  if (!p.success) throw new ScenarioError(`scenario ${name}: ${z.prettifyError(p.error)}`);
  return { ...p.data, name };
}

/** Load a scenario by name (`calm`) or by path (`./my.yaml`). */
export function loadScenario(nameOrPath: string): Scenario {
  const isPath = nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath);
  const dir = scenarioDir();
  const file = isPath ? resolve(nameOrPath) : [join(dir, `${nameOrPath}.yaml`), join(dir, `${nameOrPath}.yml`)].find((f) => existsSync(f));
  if (file === undefined || !existsSync(file)) {
    throw new ScenarioError(`no scenario "${nameOrPath}" (in ${dir}: ${listScenarios(dir).join(', ') || 'none'})`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScenarioError(`scenario ${file}: not valid YAML: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const name = isPath ? file.replace(/^.*\//, '').replace(/\.ya?ml$/, '') : nameOrPath;
  return parseScenario(doc, name);
}
