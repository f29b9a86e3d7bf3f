import type { Clock } from '../../shared/clock.ts';
import { decFromNumber, decToString } from '../../shared/decimal.ts';
import { errorMessage } from '../../shared/errors.ts';
import { outcomeFromOrder, sumFills, type CexExecClient, type OrderOutcome, type OrderUpdate } from '../venues/common/exec-types.ts';
import type { Leg, LegRequest, LegResult } from './legs.ts';
import type { OrderWatch } from './order-watch.ts';

/** After an unknown REST answer, how long the private stream gets to say what happened first. */
const STREAM_GRACE_MS = 250;

/**
 * A CEX venue as an executor leg: the venue order client (limit IOC with a price cap, client order
 * id from the trade key) with exact decimal strings at the boundary and float64 inside.
 *
 * With an `OrderWatch` (the venue's private order stream), an order whose REST answer was lost is
 * settled from the stream when it has the order's final state, before any REST lookup: the stream
 * is an independent path that keeps working when REST is the thing failing. Fill amounts from it
 * are the venue's cumulative figures; `verify` still re-reads the fills over REST.
 */
export class CexLeg implements Leg {
  /** When each client order id was last sent (monotonic µs), for the reconcile race below. */
  private readonly sentUs = new Map<string, number>();

  constructor(
    private readonly client: CexExecClient,
    /** REST symbol (`SOL-USD`, `solusd`). */
    private readonly symbol: string,
    private readonly base: string,
    private readonly quote: string,
    private readonly clock: Clock,
    /** The venue request deadline: an order can still land until it has passed. */
    private readonly requestTimeoutMs: number,
    /** The product's size increment. */
    readonly sizeStep: number,
    private readonly watch?: OrderWatch,
  ) {}

  get venue(): string {
    return this.client.venue;
  }

  async prepare(r: LegRequest): Promise<string> {
    return r.clientOrderId;
  }

  private result(o: OrderOutcome): LegResult {
    const filled = Number(o.filledSize);
    return {
      status: o.status,
      filledBase: filled,
      avgPrice: o.avgPrice !== undefined ? Number(o.avgPrice) : 0,
      feeQuote: o.fee !== undefined ? Number(o.fee) : 0,
      ref: o.orderId ?? null,
      reason: o.reason ?? null,
      doneUs: this.clock.monoUs(),
    };
  }

  async submit(r: LegRequest): Promise<LegResult> {
    this.sentUs.set(r.clientOrderId, this.clock.monoUs());
    const o = await this.client.submitOrder({
      clientOrderId: r.clientOrderId,
      symbol: this.symbol,
      side: r.side,
      size: decToString(decFromNumber(r.sizeBase)),
      priceCap: decToString(decFromNumber(r.priceCap)),
    });
    if (o.status === 'unknown' && this.watch) {
      const w = await this.watch.wait(r.clientOrderId, STREAM_GRACE_MS);
      if (w) return this.fromStream(r, w);
    }
    return this.result(o);
  }

  private fromStream(r: LegRequest, order: OrderUpdate): LegResult {
    this.sentUs.delete(r.clientOrderId);
    return this.result(outcomeFromOrder({ venue: this.client.venue, clientOrderId: r.clientOrderId }, order));
  }

  async reconcile(r: LegRequest): Promise<LegResult> {
    const streamed = this.watch?.terminal(r.clientOrderId);
    if (streamed) return this.fromStream(r, streamed);
    try {
      const order = await this.client.requestOrder({ clientOrderId: r.clientOrderId, symbol: this.symbol });
      if (order === null) {
        // The venue has no order with this client id. That is definitive only once the request
        // deadline has passed since we sent it: until then the order may still be on its way.
        const sent = this.sentUs.get(r.clientOrderId);
        if (sent !== undefined && this.clock.monoUs() - sent < (this.requestTimeoutMs + 500) * 1000) {
          return { status: 'unknown', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: 'not found yet; the request may still land', doneUs: 0 };
        }
        this.sentUs.delete(r.clientOrderId);
        return { status: 'no_fill', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: 'venue has no such order', doneUs: this.clock.monoUs() };
      }
      return this.result(outcomeFromOrder({ venue: this.client.venue, clientOrderId: r.clientOrderId }, order));
    } catch (e) {
      return { status: 'unknown', filledBase: 0, avgPrice: 0, feeQuote: 0, ref: null, reason: `reconcile failed: ${errorMessage(e)}`, doneUs: 0 };
    }
  }

  async verify(_r: LegRequest, res: LegResult): Promise<LegResult> {
    if (!res.ref || res.filledBase === 0) return res;
    const fills = await this.client.requestFills({ orderId: res.ref, symbol: this.symbol });
    const s = sumFills(fills);
    return { ...res, filledBase: Number(s.size), avgPrice: s.avgPrice !== undefined ? Number(s.avgPrice) : res.avgPrice, feeQuote: Number(s.fee) };
  }

  async balances(): Promise<{ base: number; quote: number }> {
    const all = await this.client.requestBalances();
    const get = (c: string) => Number(all.find((b) => b.currency === c.toUpperCase())?.available ?? '0');
    return { base: get(this.base), quote: get(this.quote) };
  }
}
