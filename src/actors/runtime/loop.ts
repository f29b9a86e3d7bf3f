import { systemClock } from '../../shared/clock.ts';
import { Doorbell, RingConsumer, type RecordHandler, type RingDescriptor } from '../../shared/ring/index.ts';

/**
 * The input loop shared by actors that consume rings.
 *
 * - `blocking` (pure-compute actors: signal): drains every input, then sleeps in `Atomics.wait` on
 *   the doorbell. A blocked thread processes no port messages or timers, so the loop hands the
 *   thread back to the event loop (`setImmediate`) whenever it wakes idle and at least every
 *   `sliceMs` while busy; comlink control calls and the heartbeat timer run then. The supervisor
 *   rings the doorbell after posting a control call so a sleeping actor yields at once.
 * - `async` (actors that also do I/O: executor, recorder): sleeps in `Atomics.waitAsync`, so sockets
 *   and timers keep running. A pending waitAsync does not keep Node alive; the actor's control port
 *   does (it is ref'd while the actor runs).
 *
 * Draining visits every input ring in turn with a per-ring batch cap, so one flooded ring cannot
 * starve the others.
 */
export interface InputLoopOptions {
  mode: 'blocking' | 'async';
  doorbell: SharedArrayBuffer;
  inputs: RingDescriptor[];
  onRecord: RecordHandler;
  /** Called after each drain pass that delivered something (e.g. flush a batch). */
  onBatch?: (delivered: number) => void;
  /** Longest sleep between wake-ups when idle. */
  idleMs?: number;
  /** Longest time the blocking loop keeps the thread before yielding to the event loop. */
  sliceMs?: number;
  batch?: number;
  now?: () => number;
}

export class InputLoop {
  private readonly bell: Doorbell;
  private readonly consumers: RingConsumer[];
  private readonly allEmpty = () => {
    for (let i = 0; i < this.consumers.length; i++) if (!this.consumers[i]!.isEmpty()) return false;
    return true;
  };
  private running = false;
  private done: Promise<void> | undefined;
  private resolveDone: (() => void) | undefined;
  passes = 0;
  delivered = 0;

  constructor(private readonly o: InputLoopOptions) {
    this.bell = new Doorbell(o.doorbell);
    this.consumers = o.inputs.map((d) => new RingConsumer(d));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = new Promise((r) => (this.resolveDone = r));
    if (this.o.mode === 'blocking') setImmediate(() => this.blockingSlice());
    else void this.asyncLoop();
  }

  /** Stop after the current pass; resolves when the loop has exited. */
  stop(): Promise<void> {
    this.running = false;
    this.bell.wake();
    return this.done ?? Promise.resolve();
  }

  /** One pass over every input. Returns records delivered. */
  drainOnce(): number {
    let n = 0;
    const batch = this.o.batch ?? 256;
    for (let i = 0; i < this.consumers.length; i++) n += this.consumers[i]!.drain(this.o.onRecord, batch);
    if (n > 0) {
      this.delivered += n;
      this.o.onBatch?.(n);
    }
    this.passes++;
    return n;
  }

  private blockingSlice(): void {
    const now = this.o.now ?? (() => systemClock.monoUs() / 1000);
    const sliceMs = this.o.sliceMs ?? 5;
    const idleMs = this.o.idleMs ?? 50;
    const start = now();
    while (this.running) {
      if (this.drainOnce() > 0) {
        if (now() - start < sliceMs) continue;
        break; // busy for a whole slice: let port messages and timers in, then carry on
      }
      // Idle: sleep until a producer (or the supervisor) rings, then yield once to the event loop
      // so anything that arrived on the port meanwhile is handled before the next drain.
      this.bell.sleep(this.allEmpty, idleMs);
      break;
    }
    if (this.running) setImmediate(() => this.blockingSlice());
    else this.resolveDone?.();
  }

  private async asyncLoop(): Promise<void> {
    const idleMs = this.o.idleMs ?? 50;
    let sinceYield = 0;
    while (this.running) {
      if (this.drainOnce() > 0) {
        // Keep the event loop fair while busy: yield every few passes.
        if (++sinceYield >= 8) {
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
        continue;
      }
      await this.bell.sleepAsync(this.allEmpty, idleMs);
    }
    this.resolveDone?.();
  }
}
