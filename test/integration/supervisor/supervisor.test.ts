import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import type { CambistError } from '../../../src/shared/errors.ts';
import { createMetrics } from '../../../src/supervisor/metrics.ts';
import { Supervisor } from '../../../src/supervisor/supervisor.ts';
import type { ActorSpec, Topology } from '../../../src/supervisor/topology.ts';
import { testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

const STEADY = new URL('../../fixtures/actors/steady.ts', import.meta.url);
const FAIL = new URL('../../fixtures/actors/fail-start.ts', import.meta.url);
const log = createLogger({ level: 'silent' });

function actor(name: string, entry = STEADY, rank = 0): ActorSpec {
  return { name, kind: 'fixture', entry, slice: {}, mode: 'none', rank };
}

let sup: Supervisor | undefined;
afterEach(async () => {
  await sup?.stop();
  sup = undefined;
});

function make(topology: Topology, supervisor: NonNullable<Parameters<typeof testConfig>[0]>['supervisor'] = {}): Supervisor {
  sup = new Supervisor({ config: testConfig({ supervisor }), topology, log });
  return sup;
}

const restartsOf = (s: Supervisor, name: string) => s.actorStatus().find((a) => a.name === name)!.restarts;

describe('supervisor', () => {
  it('restarts an actor that crashes, counts it in status and /metrics, and leaves the others alone', async () => {
    const s = make({ actors: [actor('a'), actor('b')], rings: [] });
    await s.start();
    expect(s.health().ok).toBe(true);
    const b = s.handle('b');
    const bThread = b.worker!.threadId;
    await s.handle('a').api!.crash('test');
    await waitFor(() => restartsOf(s, 'a') === 1 && s.handle('a').state === 'running', 'a restarted');
    expect(restartsOf(s, 'b')).toBe(0);
    expect(b.worker!.threadId).toBe(bThread);
    expect(s.actorStatus().find((x) => x.name === 'a')!.last_error).toMatch(/injected crash/);
    const text = await createMetrics(s).metrics();
    expect(text).toMatch(/cambist_actor_restarts_total\{actor="a"\} 1/);
    expect(text).toMatch(/cambist_actor_restarts_total\{actor="b"\} 0/);
    expect(s.health().ok).toBe(true);
  });

  it('restarts a crashed actor on its warm standby thread, and keeps a new standby ready', async () => {
    const s = make({ actors: [{ ...actor('warm'), standby: true }], rings: [] });
    await s.start();
    const h = s.handle('warm');
    // The standby is spawned after Ready: give it time to load its modules.
    await waitFor(() => h.standbyThreadId !== undefined, 'a standby');
    const standbyThread = h.standbyThreadId;
    await new Promise((r) => setTimeout(r, 500));
    await h.api!.crash('test');
    await waitFor(() => restartsOf(s, 'warm') === 1 && h.state === 'running', 'warm restarted');
    expect(h.worker!.threadId).toBe(standbyThread);
    await waitFor(() => h.standbyThreadId !== undefined, 'the next standby');
    expect(h.standbyThreadId).not.toBe(standbyThread);
  });

  it('escalates a crash loop to the kill switch with an incident, and keeps serving status', async () => {
    const s = make({ actors: [actor('flappy'), actor('calm')], rings: [] }, { escalate_restarts: 2, escalate_window_sec: 60 });
    await s.start();
    for (let i = 1; i <= 2; i++) {
      await s.handle('flappy').api!.crash(`crash ${i}`);
      await waitFor(() => restartsOf(s, 'flappy') === i && s.handle('flappy').state === 'running', `restart ${i}`);
    }
    await s.handle('flappy').api!.crash('crash 3');
    await waitFor(() => s.controlStatus().global.killed, 'kill switch');
    expect(s.controlStatus().global.reason).toBe('escalation');
    expect(s.handle('flappy').state).toBe('faulted');
    expect(s.incidents).toHaveLength(1);
    expect(s.incidents[0]).toMatchObject({ kind: 'actor_crash_loop', actor: 'flappy', resolved_ts_ms: null });
    expect(s.incidents[0]!.reason).toMatch(/flappy restarted 2 times/);
    expect(s.incidents[0]!.timeline.length).toBe(3);
    expect(s.health()).toMatchObject({ ok: false, reason: expect.stringMatching(/flappy \(faulted\)/) });
    expect(s.handle('calm').state).toBe('running');
  });

  it('fails start with the error of an actor that dies before Ready, and does not respawn it', async () => {
    const s = make({ actors: [actor('good'), actor('bad', FAIL, 1)], rings: [] });
    const err = await s.start().then(() => undefined, (e: unknown) => e as CambistError);
    expect(err?.code).toBe('FIXTURE_BAD_SLICE');
    expect(err?.message).toMatch(/bad failed to start: pool_address is not a Whirlpool account/);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.handle('bad').restarts).toBe(0);
    expect(s.handle('bad').worker).toBeUndefined();
    expect(s.handle('good').worker).toBeUndefined(); // the started one was stopped again
  });

  it('restarts an actor whose heartbeat stops (unresponsive)', async () => {
    const s = make({ actors: [actor('stuck')], rings: [] }, { unresponsive_ms: 400 });
    await s.start();
    await s.handle('stuck').api!.configure({ hang: true });
    await waitFor(() => restartsOf(s, 'stuck') === 1 && s.handle('stuck').state === 'running', 'unresponsive restart', 15_000);
    expect(s.actorStatus()[0]!.last_error).toMatch(/no heartbeat for \d+ ms/);
  });

  it('applies controls to the shared block and makes a kill a deliberate two-step resume', async () => {
    const s = make({ actors: [actor('x')], rings: [] });
    await s.start();
    s.applyControl({ action: 'pause', scope: { asset: 'SOL' } });
    expect(s.control.effective(0)).toBe(1);
    expect(s.control.effective(1)).toBe(0);
    const k = s.applyControl({ action: 'kill', reason: 'venue outage' });
    expect(s.controlStatus().global.killed).toBe(true);
    expect(() => s.applyControl({ action: 'resume' })).toThrowError(/two-step/);
    expect(() => s.applyControl({ action: 'resume_after_kill', confirm: 'wrong' })).toThrowError(/confirmation token/);
    s.applyControl({ action: 'resume_after_kill', confirm: k.confirm! });
    expect(s.controlStatus().global).toMatchObject({ killed: false, paused: false });
    expect(s.incidents[0]!.resolved_ts_ms).not.toBeNull();
    expect(() => s.applyControl({ action: 'pause', scope: { asset: 'DOGE' } })).toThrowError(/unknown asset "DOGE"/);
  });
});
