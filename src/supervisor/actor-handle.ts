import { MessageChannel, type Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import {
  ACTOR_STATE_NAMES, HB_COUNT, HB_LAST_US_F64, HB_STATE, createHeartbeatBlock,
  type ActorControlApi, type ActorStateName, type ActorToSupervisor, type ControlRequest, type RingEnds, type StartupMessage,
} from '../actors/runtime/protocol.ts';
import type { Clock } from '../shared/clock.ts';
import { CambistError } from '../shared/errors.ts';
import { Doorbell } from '../shared/ring/index.ts';
import { spawnWorker } from './spawn.ts';
import type { ActorSpec } from './topology.ts';

export interface HandleEnv {
  clock: Clock;
  control: { sab: SharedArrayBuffer; assetCount: number };
  heartbeatIntervalMs: number;
  handshakeTimeoutMs: number;
  logLevel: string;
}

export type ExitListener = (h: ActorHandle, info: { code: number; error?: Error }) => void;
export type ControlListener = (h: ActorHandle, req: ControlRequest) => void;

/**
 * One supervised actor across its incarnations: spawns the thread, runs the Startup → Ready
 * handshake, holds the comlink proxy, reads its heartbeat block and reports its exits. Restart
 * decisions belong to the supervisor; this class only knows how to start and stop one thread.
 */
export class ActorHandle {
  worker: Worker | undefined;
  api: Comlink.Remote<ActorControlApi> | undefined;
  state: ActorStateName | 'unresponsive' | 'restarting' = 'stopped';
  restarts = 0;
  readonly restartTimes: number[] = [];
  lastError: string | undefined;
  everReady = false;
  /**
   * A warm standby thread (specs with `standby`): spawned with its modules already loaded, idle
   * until a restart hands it the Startup message. Loading an executor's modules (web3.js, undici,
   * the venue clients) is most of a restart; with a standby the replacement starts recovery in
   * tens of milliseconds instead of a second. A standby does not keep the process alive.
   */
  private standby: Worker | undefined;
  private stopped = false;
  private hbI32 = new Int32Array(createHeartbeatBlock(), 0, 2);
  private hbF64 = new Float64Array(this.hbI32.buffer, 0, 2);
  private expectingExit = false;

  constructor(
    readonly spec: ActorSpec,
    readonly rings: RingEnds,
    private readonly env: HandleEnv,
    private readonly onExit: ExitListener,
    private readonly onControl: ControlListener = () => undefined,
  ) {}

  /** Start one incarnation; resolves on Ready, rejects with the actor's own error otherwise. */
  start(): Promise<void> {
    const hb = createHeartbeatBlock();
    this.hbI32 = new Int32Array(hb, 0, 2);
    this.hbF64 = new Float64Array(hb, 0, 2);
    this.hbF64[HB_LAST_US_F64] = this.env.clock.monoUs();
    this.expectingExit = false;
    this.state = 'starting';
    this.stopped = false;
    const { port1, port2 } = new MessageChannel();
    const worker = this.takeStandby() ?? spawnWorker(this.spec.entry, { name: this.spec.name, stdout: false, stderr: false });
    this.worker = worker;
    const startup: StartupMessage = {
      type: 'startup',
      name: this.spec.name,
      kind: this.spec.kind,
      slice: this.spec.slice,
      rings: this.rings,
      control: this.env.control,
      heartbeat: hb,
      heartbeatIntervalMs: this.env.heartbeatIntervalMs,
      logLevel: this.env.logLevel,
      port: port2,
    };
    worker.postMessage(startup, [port2]);

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let firstError: Error | undefined;
      const timer = setTimeout(() => fail(new CambistError('ACTOR_HANDSHAKE_TIMEOUT', `${this.spec.name} did not answer Ready within ${this.env.handshakeTimeoutMs} ms`)), this.env.handshakeTimeoutMs);
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.lastError = e.message;
        this.state = 'faulted';
        this.expectingExit = true;
        void worker.terminate();
        reject(e);
      };
      worker.on('message', (m: ActorToSupervisor) => {
        if (m.type === 'ready' && !settled) {
          settled = true;
          clearTimeout(timer);
          this.api = Comlink.wrap<ActorControlApi>(nodeEndpoint(port1));
          this.state = 'running';
          this.everReady = true;
          this.prewarm();
          resolve();
        } else if (m.type === 'startup-failed') {
          fail(new CambistError(m.code, `${this.spec.name} failed to start: ${m.message}`));
        } else if (m.type === 'state' && settled && this.state !== 'unresponsive') {
          this.state = m.state;
        } else if (m.type === 'control-request') {
          this.onControl(this, m);
        }
      });
      worker.on('error', (e) => {
        firstError ??= e;
        if (!settled) fail(new CambistError('ACTOR_START_FAILED', `${this.spec.name} died before Ready: ${e.message}`, { cause: e }));
      });
      worker.on('exit', (code) => {
        port1.close();
        if (!settled) {
          fail(new CambistError('ACTOR_START_FAILED', `${this.spec.name} exited with code ${code} before Ready`));
          return;
        }
        if (this.worker === worker) {
          this.worker = undefined;
          this.api = undefined;
        }
        const expected = this.expectingExit;
        this.lastError = firstError?.message ?? this.lastError;
        if (!expected) this.onExit(this, { code, ...(firstError ? { error: firstError } : {}) });
      });
    });
  }

  /** The warm standby's thread id, if one is ready (status, tests). */
  get standbyThreadId(): number | undefined {
    return this.standby?.threadId;
  }

  private prewarm(): void {
    if (!this.spec.standby || this.standby || this.stopped) return;
    const w = spawnWorker(this.spec.entry, { name: this.spec.name, stdout: false, stderr: false });
    w.unref();
    // A standby that dies before it is used (it cannot: it only loads modules) is simply dropped.
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (this.standby === w) this.standby = undefined;
    });
    this.standby = w;
  }

  private takeStandby(): Worker | undefined {
    const w = this.standby;
    if (!w) return undefined;
    this.standby = undefined;
    w.removeAllListeners();
    w.ref();
    return w;
  }

  /** Ask the actor to stop cleanly, then end the thread (forcefully after `timeoutMs`). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    const standby = this.standby;
    this.standby = undefined;
    if (standby) await standby.terminate();
    const worker = this.worker;
    if (!worker) return;
    this.expectingExit = true;
    this.state = 'stopping';
    if (this.api) {
      const stopped = this.api.stop();
      this.nudge();
      await Promise.race([stopped.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    await worker.terminate();
    this.state = 'stopped';
  }

  /** End the current incarnation now (unresponsive actor, operator restart). Triggers onExit. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /**
   * Ring the actor's doorbell after a control call so a pure-compute actor asleep in
   * `Atomics.wait` yields to its event loop and reads the call now rather than at its idle timeout.
   */
  nudge(): void {
    if (this.rings.doorbell) new Doorbell(this.rings.doorbell).wake();
  }

  heartbeatAgeMs(): number {
    return (this.env.clock.monoUs() - this.hbF64[HB_LAST_US_F64]!) / 1000;
  }

  heartbeats(): number {
    return Atomics.load(this.hbI32, HB_COUNT);
  }

  reportedState(): ActorStateName {
    return ACTOR_STATE_NAMES[Atomics.load(this.hbI32, HB_STATE)] ?? 'starting';
  }
}
