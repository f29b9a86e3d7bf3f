import type { OrderUpdate } from '../venues/common/exec-types.ts';

/**
 * The final state of our own CEX orders as the venue's private stream reported it (Coinbase `user`
 * channel, Gemini order events), by client order id.
 *
 * Why: an order whose REST answer was lost (a timeout, a 5xx after the venue placed it) is `unknown`
 * until something says what happened. REST lookups are that something, but they fail exactly when
 * REST is failing; the private stream is a second, independent path that usually knows within
 * milliseconds. A leg asks here first and falls back to REST. Only terminal updates are kept (an IOC
 * is terminal at once), at most `capacity` of them (oldest dropped: a trade reconciles within
 * seconds). A resync (gap, lost socket) loses nothing here: updates already seen stay true, and
 * anything missed is what the REST fallback is for.
 */
export class OrderWatch {
  private readonly final = new Map<string, OrderUpdate>();
  private readonly waiters = new Map<string, Set<(o: OrderUpdate) => void>>();
  /** Updates seen (all states), terminal ones kept, and resyncs reported by the stream. */
  updates = 0;
  terminals = 0;
  resyncs = 0;

  constructor(
    readonly venue: string,
    private readonly capacity = 4_096,
  ) {}

  observe(o: OrderUpdate): void {
    this.updates++;
    const id = o.clientOrderId;
    if (id === undefined || !o.terminal) return;
    this.terminals++;
    this.final.delete(id); // re-insert: newest last, so the oldest is first to go
    this.final.set(id, o);
    if (this.final.size > this.capacity) this.final.delete(this.final.keys().next().value!);
    const ws = this.waiters.get(id);
    if (ws) {
      this.waiters.delete(id);
      for (const w of ws) w(o);
    }
  }

  /** The terminal update for this client order id, if the stream has delivered one. */
  terminal(clientOrderId: string): OrderUpdate | undefined {
    return this.final.get(clientOrderId);
  }

  /** The terminal update, waiting up to `ms` for it; undefined when none came in time. */
  wait(clientOrderId: string, ms: number): Promise<OrderUpdate | undefined> {
    const known = this.final.get(clientOrderId);
    if (known !== undefined || ms <= 0) return Promise.resolve(known);
    return new Promise((resolve) => {
      let set = this.waiters.get(clientOrderId);
      if (!set) this.waiters.set(clientOrderId, (set = new Set()));
      const done = (o: OrderUpdate | undefined) => {
        clearTimeout(timer);
        set!.delete(done);
        if (set!.size === 0 && this.waiters.get(clientOrderId) === set) this.waiters.delete(clientOrderId);
        resolve(o);
      };
      const timer = setTimeout(() => done(undefined), ms);
      set.add(done);
    });
  }

  get size(): number {
    return this.final.size;
  }
}
