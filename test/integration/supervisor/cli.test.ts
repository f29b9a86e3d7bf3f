import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait.ts';

const run = promisify(execFile);
const BIN = new URL('../../../bin/cambist.mjs', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;

/** The real `cambist start` as a child process, on an ephemeral port and a temp data dir. */
describe('cambist CLI against a running engine', () => {
  const data = mkdtempSync(join(tmpdir(), 'cambist-cli-'));
  let child: ChildProcess;
  let out = '';
  let port = 0;
  const cli = (...args: string[]) => run(process.execPath, [BIN, ...args, '--data', data, '--port', String(port)], { cwd: ROOT });

  beforeAll(async () => {
    child = spawn(process.execPath, [BIN, 'start', '--data', data, '--port', '0'], { cwd: ROOT, env: { ...process.env, CAMBIST_LOG_LEVEL: 'warn' } });
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const m = await waitFor(() => /console http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/.exec(out), `the console URL in:\n${out}`, 30_000);
    port = Number(m[1]);
  }, 40_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves /healthz 200 once every actor is ready', async () => {
    const r = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.status === 200 ? res : undefined;
    }, '/healthz 200', 20_000);
    expect(await r.json()).toMatchObject({ status: 'ok' });
  });

  it('`status` lists the actors', async () => {
    const { stdout } = await cli('status');
    expect(stdout).toMatch(/mode sim .* healthy/);
    expect(stdout).toMatch(/signal:SOL\s+running\s+0/);
    expect(stdout).toMatch(/recorder\s+running/);
  });

  it('`restart <actor>` restarts it and status shows the count', async () => {
    const { stdout } = await cli('restart', 'signal:SOL');
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, actor: 'signal:SOL' });
    await waitFor(async () => /signal:SOL\s+running\s+1/.test((await cli('status')).stdout), 'restart count 1');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/cambist_actor_restarts_total\{actor="signal:SOL"\} 1/);
  });

  it('`pause` and `observe-only on` change the control flags; a bad actor name is a clear error', async () => {
    await cli('pause');
    await cli('observe-only', 'on', '--asset', 'SOL');
    const s = JSON.parse((await cli('status', '--json')).stdout);
    expect(s.control.global.paused).toBe(true);
    expect(s.control.assets.SOL.observe_only).toBe(true);
    const err = await cli('restart', 'nope').then(() => '', (e: { stderr: string }) => e.stderr);
    expect(err).toMatch(/ACTOR_UNKNOWN.*no actor named "nope"/);
  });

  it('`token` prints a token alone on its last line', async () => {
    const { stdout } = await cli('token', '--scope', 'read', '--ttl', '120');
    const last = stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const r = await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { authorization: `Bearer ${last}` } });
    expect(r.status).toBe(200);
  });

  it('stops on SIGTERM and exits 0 within 5 s', async () => {
    const t0 = Date.now();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('says clearly when nothing is running', async () => {
    const err = await cli('status').then(() => '', (e: { stderr: string }) => e.stderr);
    expect(err).toMatch(/nothing is running at http:\/\/127\.0\.0\.1:\d+/);
  });
});
