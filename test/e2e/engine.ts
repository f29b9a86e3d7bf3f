import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/wait.ts';

const BIN = new URL('../../bin/cambist.mjs', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

export interface RunningEngine {
  /** The console URL exactly as printed, token fragment included. */
  consoleUrl: string;
  origin: string;
  token: string;
  output(): string;
  /** GET/POST against the edge with the console's token. */
  api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `cambist start` as a child process on an ephemeral port and a temp data dir, as an operator runs
 * it. The URL is printed once every actor is up: seconds on an idle machine, but actors start one
 * after another, so a loaded 2-core CI box can take far longer; the wait is generous for that.
 */
export async function startEngine(): Promise<RunningEngine> {
  const data = mkdtempSync(join(tmpdir(), 'cambist-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '--data', data, '--port', '0'], { cwd: ROOT, env: { ...process.env, CAMBIST_LOG_LEVEL: 'warn' } });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const m = await waitFor(() => {
    if (exited !== null) throw new Error(`cambist start exited (${exited}) before printing the console URL:\n${out}`);
    return /console (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out);
  }, `the console URL in:\n${out}`, 90_000);
  const origin = m[1]!;
  const token = m[2]!;
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(`${origin}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    consoleUrl: `${origin}/#token=${token}`,
    origin,
    token,
    output: () => out,
    api,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}
