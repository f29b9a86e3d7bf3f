import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { z } from 'zod';
import { CambistError } from '../errors.ts';
import { configSchema, type Config, type Mode } from './schema.ts';

/**
 * Read, parse and validate a config file once, at start. Every problem is reported together, each
 * naming the file, the path in it (`assets[0].cex_routes[1].taker_fee_bps`), what was expected and
 * what was found, so an operator fixes the file in one pass.
 */
export class ConfigError extends CambistError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super('CONFIG_INVALID', `invalid config ${file}:\n  - ${problems.join('\n  - ')}`, { retry: 'non-retryable' });
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s || '(top level)';
}

function found(input: unknown): string {
  if (input === '(value hidden: it may be a secret)') return input;
  if (input === undefined) return 'nothing (missing)';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const at = formatPath(i.path);
    // A value under a `*_env` key is probably a secret pasted where its variable name belongs:
    // never echo it back into logs or a terminal.
    const last = i.path.at(-1);
    const secretish = typeof last === 'string' && last.endsWith('_env');
    const input = secretish ? '(value hidden: it may be a secret)' : (i as { input?: unknown }).input;
    switch (i.code) {
      case 'unrecognized_keys':
        return `${at}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; unknown keys are errors)`;
      case 'invalid_type':
        return `${at}: expected ${i.expected}, found ${found(input)}`;
      case 'invalid_value':
        return `${at}: expected one of ${i.values.map((v) => JSON.stringify(v)).join(' | ')}, found ${found(input)}`;
      case 'invalid_union':
        return `${at}: ${i.message}, found ${found(input)}`;
      default:
        return `${at}: ${i.message.replace(/^Invalid input: /, '')}; found ${found(input)}`;
    }
  });
}

export function parseConfig(text: string, file: string, overrides: { mode?: Mode; port?: number; dataDir?: string } = {}): Config {
  let raw: unknown;
  try {
    raw = YAML.parse(text, { prettyErrors: true });
  } catch (e) {
    throw new ConfigError(file, [`not valid YAML: ${(e as Error).message}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, [`expected a mapping at the top level, found ${found(raw)}`]);
  const obj = { ...(raw as Record<string, unknown>) };
  if (overrides.mode) obj.mode = overrides.mode;
  if (overrides.dataDir) obj.data_dir = overrides.dataDir;
  if (overrides.port !== undefined) obj.edge = { ...((obj.edge as object | undefined) ?? {}), port: overrides.port };
  const r = configSchema.safeParse(obj, { reportInput: true });
  if (!r.success) throw new ConfigError(file, describeIssues(r.error.issues));
  return r.data;
}

export function loadConfig(file: string, overrides: { mode?: Mode; port?: number; dataDir?: string } = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CambistError('CONFIG_UNREADABLE', `cannot read config ${file}: ${(e as Error).message}. Pass --config <file> or create it.`, { cause: e });
  }
  return parseConfig(text, file, overrides);
}
