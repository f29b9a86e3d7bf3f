import {
  DEFAULT_SETTLE,
  type OrderOutcome,
  outcomeFromError,
  type ProductIncrements,
  realSleep,
  type SettlePolicy,
  SentIds,
  type SubmitOrder,
  type VenueError,
} from './exec-types.ts';

/** What a venue order client is built from: its products, settle policy and sleep seam. */
export interface LookupFirstOptions {
  products?: Readonly<Record<string, ProductIncrements>>;
  settle?: SettlePolicy;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The submit path of venues that do not deduplicate client order ids for us (Gemini, Bitstamp):
 * the first send of an id goes straight out; a repeated id (in this process) or an idempotent
 * retry (after a restart) looks the order up first and sends only when the venue has never seen it.
 * A failed look-up is `unknown`, never a send: sending then could double the order. The venue
 * supplies how to send, how to look an order up, and how to finish one it found.
 */
export abstract class LookupFirstExec<Found> {
  abstract readonly venue: 'gemini' | 'bitstamp';
  protected readonly products: Readonly<Record<string, ProductIncrements>>;
  protected readonly settlePolicy: SettlePolicy;
  protected readonly sleep: (ms: number) => Promise<void>;
  private readonly sent = new SentIds();

  constructor(opts: LookupFirstOptions, defaultProducts: Readonly<Record<string, ProductIncrements>>) {
    this.products = opts.products ?? defaultProducts;
    this.settlePolicy = opts.settle ?? DEFAULT_SETTLE;
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Safe to repeat within this process: a repeated client id is looked up before anything is sent. */
  submitOrder(o: SubmitOrder): Promise<OrderOutcome> {
    if (this.sent.seen(o.clientOrderId)) return this.submitOrderIdempotent(o);
    return this.send(o);
  }

  async submitOrderIdempotent(o: SubmitOrder): Promise<OrderOutcome> {
    const base = { venue: this.venue, clientOrderId: o.clientOrderId };
    let found: Found | null;
    try {
      found = await this.lookUp(o);
    } catch (e) {
      // Cannot tell whether the order exists: sending now could double it.
      if (this.isVenueError(e)) return { ...outcomeFromError(base, e), status: 'unknown' };
      throw e;
    }
    if (found === null) {
      this.sent.seen(o.clientOrderId);
      return this.send(o);
    }
    return this.finishFound(base, found, o);
  }

  protected abstract send(o: SubmitOrder): Promise<OrderOutcome>;
  /** The order with this client order id, or null when the venue has none. */
  protected abstract lookUp(o: SubmitOrder): Promise<Found | null>;
  protected abstract finishFound(base: { venue: 'gemini' | 'bitstamp'; clientOrderId: string }, found: Found, o: SubmitOrder): Promise<OrderOutcome>;
  /** The venue's own error (an answer), as opposed to a bug. */
  protected abstract isVenueError(e: unknown): e is VenueError;
}
