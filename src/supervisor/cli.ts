import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintToken, SCOPES, type ScopeName } from '../actors/edge/auth.ts';
import { loadConfig, MODES, type Mode } from '../shared/config/index.ts';
import { CambistError, errorMessage } from '../shared/errors.ts';
import { createLogger } from '../shared/log.ts';

const USAGE = `usage: cambist <command> [options]

commands:
  start [--config FILE] [--mode sim|paper|live] [--live]   run the engine (default config/default.yaml)
  status [--json]                                          what the running engine is doing
  pause | resume [--asset A | --venue V]                   stop / restart new trades
  observe-only on|off [--asset A | --venue V]              compute and record everything, send nothing
  kill --reason TEXT                                       kill switch (resume needs resume-after-kill)
  resume-after-kill --confirm TOKEN                        second step after a kill
  restart <actor>                                          restart one actor (e.g. signal:SOL)
  token --scope read|trade|admin [--ttl SECONDS]           mint an API token (printed alone on the last line)
  bench [--duration 60] [--rate 10000] [--json F] [--html F] SLO benchmark on the simulators (bench/slo/README.md)
  sim [--seed N] [--scenario NAME] [--json]                 run the venue simulators alone (endpoints as one JSON line)

every command: --data DIR (default ./data, env CAMBIST_DATA), --port N (default 8080, env CAMBIST_PORT)`;

export async function main(argv: string[]): Promise<number> {
  // --- bench (issue 8) -------------------------------------------------------------------------
  // `cambist bench` has its own options (bench/slo/main.ts), so it is dispatched before the
  // client/start option parser. bench/ is not part of dist/: it is loaded through tsx, while the
  // engine it drives comes from this build (from dist/, workers boot from plain JS).
  if (argv[0] === 'bench') {
    if (!import.meta.url.endsWith('.ts')) (await import('tsx/esm/api')).register();
    const bench = new URL('../../bench/slo/main.ts', import.meta.url).href;
    const { benchMain } = (await import(bench)) as typeof import('../../bench/slo/main.ts');
    const { startEngine } = await import('./engine.ts');
    const { loadConfig: load } = await import('../shared/config/index.ts');
    return benchMain(argv.slice(1), { startEngine, loadConfig: load, createLogger });
  }
  // --- end bench ---------------------------------------------------------------------------------
  // --- sim (issue 5): the simulators alone; own options (src/sim/cli.ts) ------------------------
  if (argv[0] === 'sim') {
    const { simMain } = await import('../sim/cli.ts');
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    try {
      return await simMain(argv.slice(1), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), stopped });
    } catch (e) {
      return fail(errorMessage(e));
    }
  }
  // --- end sim -----------------------------------------------------------------------------------
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n\n${USAGE}\n`);
    return 2;
  }
  const [cmd, ...rest] = args.positionals;
  const o = args.values;
  const dataDir = o.data ?? process.env.CAMBIST_DATA ?? './data';
  const port = Number(o.port ?? process.env.CAMBIST_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port must be a port number, got "${o.port ?? process.env.CAMBIST_PORT}"`);
  try {
    switch (cmd) {
      case 'start':
        return await start(o, dataDir, port);
      case 'token': {
        const scope = (o.scope ?? 'read') as ScopeName;
        if (!SCOPES.includes(scope)) return fail(`--scope must be one of ${SCOPES.join(', ')}, got "${scope}"`);
        const ttl = Number(o.ttl ?? 900);
        if (!Number.isInteger(ttl) || ttl < 30 || ttl > 86_400 * 30) return fail(`--ttl must be whole seconds between 30 and 2592000, got "${o.ttl}"`);
        process.stdout.write(`${await mintToken(clientSecret(dataDir), { scope, ttlSec: ttl, subject: 'cli' })}\n`);
        return 0;
      }
      case 'status': {
        const s = (await call(dataDir, port, 'GET', '/v1/status')) as StatusDoc;
        if (o.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        else printStatus(s);
        return 0;
      }
      case 'pause':
      case 'resume':
        return await control(dataDir, port, { action: cmd, ...scopeOf(o) });
      case 'observe-only': {
        if (rest[0] !== 'on' && rest[0] !== 'off') return fail('observe-only takes "on" or "off"');
        return await control(dataDir, port, { action: `observe_only_${rest[0]}`, ...scopeOf(o) });
      }
      case 'kill':
        if (!o.reason) return fail('kill needs --reason "why" (it is written to the incident and the audit log)');
        return await control(dataDir, port, { action: 'kill', reason: o.reason, ...scopeOf(o) });
      case 'resume-after-kill':
        if (!o.confirm) return fail('resume-after-kill needs --confirm TOKEN (printed by kill, shown by status)');
        return await control(dataDir, port, { action: 'resume_after_kill', confirm: o.confirm, ...scopeOf(o) });
      case 'restart':
        if (!rest[0]) return fail('restart needs an actor name, e.g. `cambist restart signal:SOL` (see `cambist status`)');
        return await control(dataDir, port, { action: 'restart', actor: rest[0] });
      case undefined:
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return cmd ? 0 : 2;
      default:
        return fail(`unknown command "${cmd}"`);
    }
  } catch (e) {
    return fail(errorMessage(e));
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      mode: { type: 'string' },
      live: { type: 'boolean' },
      data: { type: 'string' },
      port: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      reason: { type: 'string' },
      confirm: { type: 'string' },
      asset: { type: 'string' },
      venue: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}
type Opts = ReturnType<typeof parse>['values'];

function fail(msg: string): number {
  process.stderr.write(`cambist: ${msg}\n`);
  return 2;
}

function scopeOf(o: Opts): { scope?: { asset?: string; venue?: string } } {
  if (o.asset && o.venue) throw new CambistError('CLI_SCOPE', 'give --asset or --venue, not both');
  if (o.asset) return { scope: { asset: o.asset } };
  if (o.venue) return { scope: { venue: o.venue } };
  return {};
}

async function start(o: Opts, dataDir: string, port: number): Promise<number> {
  if (o.mode && !MODES.includes(o.mode as Mode)) return fail(`--mode must be one of ${MODES.join(', ')}, got "${o.mode}"`);
  const file = o.config ?? 'config/default.yaml';
  const portGiven = o.port !== undefined || process.env.CAMBIST_PORT !== undefined;
  const dataGiven = o.data !== undefined || process.env.CAMBIST_DATA !== undefined;
  const config = loadConfig(file, { ...(o.mode ? { mode: o.mode as Mode } : {}), ...(portGiven ? { port } : {}), ...(dataGiven ? { dataDir } : {}) });
  if (config.mode === 'live' && !(config.live && o.live)) {
    return fail('live mode sends real orders: it needs both `live: true` in the config and --live on the command line');
  }
  const log = createLogger({ level: config.log.level, name: 'supervisor' });
  // Loaded here, not at the top: client commands (status, pause, …) stay quick to start.
  const { startEngine } = await import('./engine.ts');
  const engine = await startEngine({ config, log });
  const token = await mintToken(clientSecret(config.data_dir), { scope: 'trade', ttlSec: config.edge.jwt_ttl_sec, subject: 'console' });
  process.stdout.write(`\ncambist ${config.mode} mode: console ${engine.url}/#token=${token}\n\n`);

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'stopping');
    const guard = setTimeout(() => {
      log.error('shutdown took longer than 5 s; exiting anyway');
      process.exit(1);
    }, 5_000);
    engine.stop().then(
      () => {
        clearTimeout(guard);
        log.info('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: e }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return new Promise<number>(() => {}); // runs until a signal
}

/** The client side of the secret: never creates one (that is the engine's job). */
function clientSecret(dataDir: string): Uint8Array {
  if (process.env.CAMBIST_JWT_SECRET) return new TextEncoder().encode(process.env.CAMBIST_JWT_SECRET);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    throw new CambistError('CLI_NO_SECRET', `no ${file}: no engine has run with --data ${dataDir} (start one with \`npm start\`, or set CAMBIST_JWT_SECRET)`);
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

async function call(dataDir: string, port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = await mintToken(clientSecret(dataDir), { scope: 'admin', ttlSec: 60, subject: 'cli' });
  const url = `http://127.0.0.1:${port}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new CambistError('CLI_NOT_RUNNING', `nothing is running at http://127.0.0.1:${port} (${errorMessage((e as Error).cause ?? e)}); start it with \`npm start\` or pass --port`);
  }
  const json = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) throw new CambistError(json.error?.code ?? 'CLI_HTTP', `${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? res.statusText}`);
  return json;
}

async function control(dataDir: string, port: number, body: Record<string, unknown>): Promise<number> {
  const r = (await call(dataDir, port, 'POST', '/v1/controls', body)) as { confirm?: string };
  process.stdout.write(`${JSON.stringify(r)}\n`);
  if (r.confirm) process.stdout.write(`kill switch on. To resume: cambist resume-after-kill --confirm ${r.confirm}\n`);
  return 0;
}

interface StatusDoc {
  mode: string;
  uptime_sec: number;
  health: { ok: boolean; reason: string };
  actors: { name: string; state: string; restarts: number; heartbeat_age_ms: number; last_error: string | null }[];
  control: { global: { paused: boolean; observe_only: boolean; killed: boolean; reason: string } };
  incidents: { id: string; reason: string; resolved_ts_ms: number | null }[];
}

function printStatus(s: StatusDoc): void {
  const g = s.control.global;
  const flags = [g.killed && 'KILLED', g.paused && 'PAUSED', g.observe_only && 'OBSERVE-ONLY'].filter(Boolean).join(' ') || 'trading allowed';
  const lines = [
    `mode ${s.mode} · up ${s.uptime_sec} s · ${s.health.ok ? 'healthy' : `not healthy: ${s.health.reason}`} · ${flags}${g.reason !== 'none' ? ` (${g.reason})` : ''}`,
    '',
    `${'actor'.padEnd(22)}${'state'.padEnd(14)}${'restarts'.padEnd(10)}heartbeat`,
    ...s.actors.map((a) => `${a.name.padEnd(22)}${a.state.padEnd(14)}${String(a.restarts).padEnd(10)}${a.heartbeat_age_ms} ms${a.last_error ? `  last error: ${a.last_error}` : ''}`),
  ];
  const open = s.incidents.filter((i) => i.resolved_ts_ms === null);
  if (open.length > 0) lines.push('', ...open.map((i) => `incident ${i.id}: ${i.reason}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}
