import { type Clock, type ManualClock, systemClock } from '../../shared/clock.ts';

/**
 * The scheduler seam. Everything in the simulator that happens "later" (model ticks, heartbeats,
 * subscribe deadlines, delayed messages) goes through a `Scheduler`, never through global timers, so
 * a test can step the whole simulator deterministically with a `ManualScheduler`.
 */
export interface Timer {
  cancel(): void;
}

export interface Scheduler {
  readonly clock: Clock;
  after(ms: number, fn: () => void): Timer;
  every(ms: number, fn: () => void): Timer;
}

/** Real timers. Timers are unref'd so a forgotten one cannot keep a test process alive. */
export function timerScheduler(clock: Clock = systemClock): Scheduler {
  return {
    clock,
    after(ms, fn) {
      const h = setTimeout(fn, ms);
      h.unref();
      return { cancel: () => clearTimeout(h) };
    },
    every(ms, fn) {
      const h = setInterval(fn, ms);
      h.unref();
      return { cancel: () => clearInterval(h) };
    },
  };
}

interface Task {
  due_ms: number;
  seq: number;
  period_ms: number;
  fn: () => void;
  live: boolean;
}

/**
 * A scheduler driven by `advance(ms)`: due tasks run in (due time, insertion order), and the clock is
 * moved to each task's due time before it runs, so code reading the clock inside a task sees the same
 * time a real timer would have shown.
 */
export class ManualScheduler implements Scheduler {
  private tasks: Task[] = [];
  private seq = 0;
  private elapsed_ms = 0;

  constructor(readonly clock: ManualClock) {}

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, 0, fn);
  }

  every(ms: number, fn: () => void): Timer {
    if (ms <= 0) throw new RangeError(`every(): period must be > 0 ms, got ${ms}`);
    return this.add(ms, ms, fn);
  }

  /** Number of scheduled, not yet cancelled tasks (tests use it to prove close() leaves none). */
  pending(): number {
    return this.tasks.filter((t) => t.live).length;
  }

  advance(ms: number): void {
    const target = this.elapsed_ms + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.moveTo(next.due_ms);
      if (next.period_ms > 0) {
        next.due_ms += next.period_ms;
      } else {
        next.live = false;
      }
      next.fn();
      this.tasks = this.tasks.filter((t) => t.live);
    }
    this.moveTo(target);
  }

  private add(ms: number, period_ms: number, fn: () => void): Timer {
    const task: Task = { due_ms: this.elapsed_ms + Math.max(0, ms), seq: this.seq++, period_ms, fn, live: true };
    this.tasks.push(task);
    return {
      cancel: () => {
        task.live = false;
      },
    };
  }

  private nextDue(target: number): Task | undefined {
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (!t.live || t.due_ms > target) continue;
      if (best === undefined || t.due_ms < best.due_ms || (t.due_ms === best.due_ms && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private moveTo(ms: number): void {
    if (ms > this.elapsed_ms) {
      this.clock.advanceMs(ms - this.elapsed_ms);
      this.elapsed_ms = ms;
    }
  }
}
