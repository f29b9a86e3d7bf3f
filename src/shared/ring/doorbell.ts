/**
 * A doorbell lets one consumer sleep on any number of input rings at once. It is two Int32 slots in
 * a SharedArrayBuffer: RINGS counts wake-ups, PARKED says "the consumer is (about to be) asleep".
 *
 * The protocol is Dekker-style and relies on every access below being a sequentially consistent
 * Atomics operation:
 * - producer: publish (an `Atomics.store` of the ring's HEAD), then `load(PARKED)`; only if it is set,
 *   `add(RINGS)` and `notify`;
 * - consumer: `store(PARKED, 1)`, read `t = RINGS`, check every ring once more, and only if all are
 *   still empty `Atomics.wait(RINGS, t)`.
 * Either the producer's HEAD store comes before the consumer's re-check (the consumer sees the data
 * and does not sleep), or the consumer's PARKED store comes before the producer's load of it (the
 * producer bumps RINGS, so the wait returns 'not-equal' or is woken). No wake-up is lost, and while
 * the consumer is awake a publish costs the producer one load instead of a read-modify-write plus a
 * notify syscall (perf-limits.md: a notify that wakes a sleeper costs 8-20 µs, an idle one ~0.1 µs).
 */
const RINGS = 0;
const PARKED = 1;

export function createDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(64);
}

export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

export class Doorbell {
  private readonly i32: Int32Array;
  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, 2);
  }

  /** Producer side: call after `publish()`. */
  ring(): void {
    if (Atomics.load(this.i32, PARKED) !== 0) {
      Atomics.add(this.i32, RINGS, 1);
      Atomics.notify(this.i32, RINGS);
    }
  }

  /** Wake the consumer whether or not it looks parked (supervisor nudges, shutdown). */
  wake(): void {
    Atomics.add(this.i32, RINGS, 1);
    Atomics.notify(this.i32, RINGS);
  }

  /**
   * Blocking sleep until rung or `timeoutMs` passes, unless `isEmpty()` says data arrived meanwhile.
   * Only for pure-compute actors: `Atomics.wait` stalls the thread's event loop, so sockets, timers
   * and port messages wait too.
   */
  sleep(isEmpty: () => boolean, timeoutMs: number): WaitResult {
    Atomics.store(this.i32, PARKED, 1);
    const t = Atomics.load(this.i32, RINGS);
    const r = isEmpty() ? Atomics.wait(this.i32, RINGS, t, timeoutMs) : 'not-equal';
    Atomics.store(this.i32, PARKED, 0);
    return r;
  }

  /**
   * Non-blocking sleep for actors that also do I/O: the event loop keeps running while we wait.
   * Caveat (toolchain.md): a pending `Atomics.waitAsync` does not keep Node alive by itself; the
   * actor's MessagePort or sockets must, or the thread exits while "waiting".
   */
  async sleepAsync(isEmpty: () => boolean, timeoutMs: number): Promise<WaitResult> {
    Atomics.store(this.i32, PARKED, 1);
    const t = Atomics.load(this.i32, RINGS);
    let r: WaitResult = 'not-equal';
    if (isEmpty()) {
      const w = Atomics.waitAsync(this.i32, RINGS, t, timeoutMs);
      r = w.async ? await w.value : w.value;
    }
    Atomics.store(this.i32, PARKED, 0);
    return r;
  }
}
