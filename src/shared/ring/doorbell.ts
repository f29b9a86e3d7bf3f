/**
 * A doorbell lets one consumer sleep on any number of input rings at once. It is two Int32 slots in
 * a SharedArrayBuffer: RINGS counts "something was published", PARKED says "the consumer is (about
 * to be) asleep".
 *
 * The protocol is Dekker-style and relies on every access being a sequentially consistent Atomics op:
 * - producer: publish to a ring, then `Atomics.add(RINGS)`, then if `PARKED` → `Atomics.notify`;
 * - consumer: read `v = RINGS` *before* draining; after a drain that found nothing, set `PARKED = 1`,
 *   and sleep with `Atomics.wait(RINGS, v)`.
 * A producer that publishes after the consumer read `v` has changed RINGS, so the wait returns
 * 'not-equal' at once (no lost wake-up). A producer that published before the consumer set PARKED is
 * seen by the drain. Skipping `notify` while the consumer is awake saves the syscall on the hot path
 * (perf-limits.md: the notify that wakes a sleeper costs the producer 8-20 µs; an idle one ~0.1 µs).
 */
const RINGS = 0;
const PARKED = 1;

export function createDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(64);
}

export class Doorbell {
  private readonly i32: Int32Array;
  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, 2);
  }

  /** Producer side: call after `publish()`. */
  ring(): void {
    Atomics.add(this.i32, RINGS, 1);
    if (Atomics.load(this.i32, PARKED) !== 0) Atomics.notify(this.i32, RINGS);
  }

  /** Consumer side: the token to read before draining. */
  token(): number {
    return Atomics.load(this.i32, RINGS);
  }

  /**
   * Blocking sleep until rung or `timeoutMs` passes. Only for pure-compute actors: `Atomics.wait`
   * stalls the thread's event loop, so sockets, timers and port messages wait too.
   */
  sleep(token: number, timeoutMs: number): 'ok' | 'not-equal' | 'timed-out' {
    Atomics.store(this.i32, PARKED, 1);
    const r = Atomics.wait(this.i32, RINGS, token, timeoutMs);
    Atomics.store(this.i32, PARKED, 0);
    return r;
  }

  /**
   * Non-blocking sleep for actors that also do I/O: the event loop keeps running while we wait.
   * Caveat (toolchain.md): a pending `Atomics.waitAsync` does not keep Node alive by itself; the
   * actor's MessagePort or sockets must, or the thread exits while "waiting".
   */
  async sleepAsync(token: number, timeoutMs: number): Promise<'ok' | 'not-equal' | 'timed-out'> {
    Atomics.store(this.i32, PARKED, 1);
    const w = Atomics.waitAsync(this.i32, RINGS, token, timeoutMs);
    const r = w.async ? await w.value : w.value;
    Atomics.store(this.i32, PARKED, 0);
    return r;
  }
}
