/**
 * Load generation: step the market model at a requested book-update rate, in the thread the
 * simulator runs in (its own worker in sim mode), so the load costs the simulator's thread and
 * not the engine's.
 *
 * One model step publishes one update for every simulated (CEX venue, asset) book, and each update
 * goes out as one message on every socket subscribed to that book; so with one engine subscribed
 * to every simulated book, book messages/s = `book_updates_per_sec`. Each step advances the model by
 * `1000 / steps_per_sec` ms, so model time keeps pace with wall time at any rate and prices wander
 * as fast as at the default 100 ms tick (only the books churn faster). While a load is set the
 * model's own tick timer is off (`MarketModel.setExternalStepping`).
 */

export interface LoadSpec {
  /** Book updates per second across every simulated CEX book (= book messages/s per subscriber of every book). */
  book_updates_per_sec: number;
}

export interface LoadStats {
  book_updates_per_sec: number;
  steps_per_sec: number;
  /** Steps run since the load was set. */
  steps: number;
  /** Steps dropped because the driver fell more than `MAX_BACKLOG_S` behind (CPU-bound). */
  skipped: number;
  since_ms: number;
}

/** What the driver needs of the model. */
export interface Steppable {
  readonly booksPerStep: number;
  step(dt_ms: number): void;
  setExternalStepping(on: boolean): void;
}

export interface LoadTimers {
  now(): number;
  /** Run after I/O has been polled (setImmediate): used when behind schedule. */
  soon(fn: () => void): { cancel(): void };
  later(ms: number, fn: () => void): { cancel(): void };
}

/** Longest run of steps in one event-loop turn before I/O (REST calls, subscriptions) gets a turn. */
export const MAX_TURN_MS = 10;
/** How far behind the driver may fall before missed steps are dropped (and counted) instead of caught up. */
export const MAX_BACKLOG_S = 0.25;

export function stepPlan(book_updates_per_sec: number, booksPerStep: number): { steps_per_sec: number; dt_ms: number } {
  if (!(book_updates_per_sec > 0) || !Number.isFinite(book_updates_per_sec)) throw new RangeError(`book_updates_per_sec must be a positive number, got ${book_updates_per_sec}`);
  if (!(booksPerStep > 0)) throw new RangeError(`the model simulates no book (booksPerStep ${booksPerStep})`);
  const steps_per_sec = book_updates_per_sec / booksPerStep;
  return { steps_per_sec, dt_ms: 1000 / steps_per_sec };
}

/**
 * Steps due at `elapsed_ms` after the start and how many of them to run now: `due` counts every step
 * the schedule asked for, `skip` the ones dropped because the backlog is over `MAX_BACKLOG_S`.
 */
export function stepsDue(elapsed_ms: number, steps_per_sec: number, done: number): { due: number; skip: number } {
  const due = Math.floor((elapsed_ms / 1000) * steps_per_sec);
  const backlogMax = Math.max(1, Math.ceil(steps_per_sec * MAX_BACKLOG_S));
  return { due, skip: Math.max(0, due - done - backlogMax) };
}

export const realTimers: LoadTimers = {
  now: () => performance.now(),
  // Not unref'd: an unref'd immediate does not stop the loop from blocking in its poll phase, so it
  // would wait for the next unrelated event. The driver is stopped on close(), which clears it.
  soon(fn) {
    const h = setImmediate(fn);
    return { cancel: () => clearImmediate(h) };
  },
  later(ms, fn) {
    const h = setTimeout(fn, ms);
    h.unref();
    return { cancel: () => clearTimeout(h) };
  },
};

export class LoadDriver {
  private spec: LoadSpec | null = null;
  private plan = { steps_per_sec: 0, dt_ms: 0 };
  private t0 = 0;
  private since_ms = 0;
  /** Steps accounted for since t0: run or skipped. */
  private done = 0;
  private steps = 0;
  private skipped = 0;
  private timer: { cancel(): void } | undefined;

  constructor(
    private readonly model: Steppable,
    private readonly timers: LoadTimers = realTimers,
  ) {}

  /** Set (or with null, clear) the load; counters restart. */
  set(spec: LoadSpec | null): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.spec = spec;
    this.done = 0;
    this.steps = 0;
    this.skipped = 0;
    this.t0 = this.timers.now();
    this.since_ms = Date.now();
    if (spec === null) {
      this.model.setExternalStepping(false);
      return;
    }
    this.plan = stepPlan(spec.book_updates_per_sec, this.model.booksPerStep);
    this.model.setExternalStepping(true);
    this.timer = this.timers.soon(this.loop);
  }

  stop(): void {
    if (this.spec !== null) this.set(null);
  }

  stats(): LoadStats | null {
    if (this.spec === null) return null;
    return { book_updates_per_sec: this.spec.book_updates_per_sec, steps_per_sec: this.plan.steps_per_sec, steps: this.steps, skipped: this.skipped, since_ms: this.since_ms };
  }

  /**
   * One turn: run the steps due when it started (at most `MAX_TURN_MS` of them); returns how many
   * ran and whether the time limit cut it short. Public for tests.
   */
  turn(): { ran: number; cut: boolean } {
    const started = this.timers.now();
    const { due, skip } = stepsDue(started - this.t0, this.plan.steps_per_sec, this.done);
    this.skipped += skip;
    this.done += skip;
    let n = 0;
    while (this.done < due) {
      this.model.step(this.plan.dt_ms);
      this.done++;
      n++;
      // Checking the clock every step would cost more than a step: every 8th is enough at ~20 µs each.
      if ((n & 7) === 0 && this.timers.now() - started >= MAX_TURN_MS) break;
    }
    this.steps += n;
    return { ran: n, cut: this.done < due };
  }

  private loop = (): void => {
    this.timer = undefined;
    if (this.spec === null) return;
    const { cut } = this.turn();
    // Cut short (behind schedule): yield once for I/O (setImmediate runs after the poll phase) and go
    // on. Otherwise sleep until the next step is due, at least 1 ms: steps go out in small bursts,
    // one burst's frames in one write per socket (net/outbox.ts). Going round with immediates
    // whenever one more step had come due would busy-poll the thread (an event loop never idle,
    // and CPU taken from the engine's threads) for no more throughput.
    if (cut) this.timer = this.timers.soon(this.loop);
    else {
      const next_ms = this.t0 + ((this.done + 1) * 1000) / this.plan.steps_per_sec;
      this.timer = this.timers.later(Math.max(1, Math.ceil(next_ms - this.timers.now())), this.loop);
    }
  };
}
