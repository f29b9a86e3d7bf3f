/**
 * Coinbase order client: `CexExecClient` over `CoinbaseRest`.
 *
 * Submit = `sor_limit_ioc` with the caller's client order id, then read the order until final (the
 * create response carries no fill information). Idempotency is the venue's: "if the ID provided is
 * not unique, the order will not be created and the order corresponding with that ID will be
 * returned instead" (§1.6, and the simulator does the same), so `submitOrder` is itself safe to
 * retry and `submitOrderIdempotent` is the same call.
 */
import { z } from 'zod';
import { decCmp, decIsZero, decParse, formatPriceCap, formatSize } from '../../../shared/decimal.ts';
import {
  type Balance,
  type CancelOutcome,
  type CexExecClient,
  DEFAULT_SETTLE,
  type Fees,
  type Fill,
  type OrderOutcome,
  type OrderUpdate,
  outcomeFromError,
  outcomeFromOrder,
  type ProductIncrements,
  realSleep,
  type SettlePolicy,
  settleOrder,
  type SubmitOrder,
} from '../common/exec-types.ts';
import { CoinbaseError, coinbaseBadResponse, coinbaseHttpError } from './errors.ts';
import { parseCoinbaseBatchCancel, parseCoinbaseCreateOrder, parseCoinbaseFills, parseCoinbaseOrder } from './parse.ts';
import { type CoinbaseCreateOrderBody, CoinbaseRest, type CoinbaseRestOptions } from './rest.ts';

/** The simulator's products (2 price decimals, 8 size decimals). Real products: pass them from config. */
export const COINBASE_SIM_PRODUCTS: Readonly<Record<string, ProductIncrements>> = {
  'SOL-USD': { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  'BTC-USD': { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  'ETH-USD': { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
};

export interface CoinbaseExecOptions extends CoinbaseRestOptions {
  /** Increments per product id; defaults to `COINBASE_SIM_PRODUCTS`. */
  products?: Readonly<Record<string, ProductIncrements>>;
  settle?: SettlePolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Max pages read when scanning orders or fills. */
  maxPages?: number;
}

function invalid(message: string): CoinbaseError {
  return new CoinbaseError('coinbase.invalid_order', message, { retry: 'non-retryable', outcome: 'rejected' });
}

/** Pure: the create-order body for an IOC with a safe-rounded cap and size. Throws `coinbase.invalid_order`. */
export function buildCoinbaseOrder(
  o: SubmitOrder,
  products: Readonly<Record<string, ProductIncrements>>,
): { body: CoinbaseCreateOrderBody; size: string; price: string } {
  const productId = o.symbol.toUpperCase();
  const inc = products[productId];
  if (inc === undefined) throw invalid(`no increments configured for Coinbase product ${productId}`);
  const size = formatSize(o.size, inc.sizeIncrement);
  const price = formatPriceCap(o.priceCap, inc.priceIncrement, o.side);
  if (decIsZero(decParse(size))) throw invalid(`size ${o.size} rounds to 0 at increment ${inc.sizeIncrement}`);
  if (inc.minSize !== undefined && decCmp(decParse(size), decParse(inc.minSize)) < 0) throw invalid(`size ${size} is below the minimum ${inc.minSize}`);
  if (decCmp(decParse(price), decParse('0')) <= 0) throw invalid(`price cap ${o.priceCap} is not positive`);
  return {
    body: {
      client_order_id: o.clientOrderId,
      product_id: productId,
      side: o.side === 'buy' ? 'BUY' : 'SELL',
      order_configuration: { sor_limit_ioc: { base_size: size, limit_price: price } },
    },
    size,
    price,
  };
}

const moneySchema = z.looseObject({ value: z.string(), currency: z.string() });
const accountsSchema = z.looseObject({
  accounts: z.array(z.looseObject({ currency: z.string(), available_balance: moneySchema, hold: moneySchema.optional() })),
  has_next: z.boolean().optional(),
  cursor: z.string().optional(),
});
const summarySchema = z.looseObject({ fee_tier: z.looseObject({ maker_fee_rate: z.string(), taker_fee_rate: z.string() }) });
const batchSchema = z.looseObject({ orders: z.array(z.unknown()), has_next: z.boolean().optional(), cursor: z.string().optional() });

/** A fee rate ("0.006") in bps (60), exact to 1e-4 bps. */
export function rateToBps(rate: string): number {
  const d = decParse(rate);
  // rate × 10^8 as an integer (truncated past 1e-8), then ÷ 10^4: bps with four exact decimals.
  return Number((d.units * 10n ** 8n) / 10n ** BigInt(d.scale)) / 10_000;
}

export class CoinbaseExec implements CexExecClient {
  readonly venue = 'coinbase' as const;
  readonly rest: CoinbaseRest;
  private readonly products: Readonly<Record<string, ProductIncrements>>;
  private readonly settlePolicy: SettlePolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxPages: number;

  constructor(opts: CoinbaseExecOptions) {
    this.rest = new CoinbaseRest(opts);
    this.products = opts.products ?? COINBASE_SIM_PRODUCTS;
    this.settlePolicy = opts.settle ?? DEFAULT_SETTLE;
    this.sleep = opts.sleep ?? realSleep;
    this.maxPages = opts.maxPages ?? 20;
  }

  async submitOrder(o: SubmitOrder): Promise<OrderOutcome> {
    const base = { venue: this.venue, clientOrderId: o.clientOrderId };
    let built;
    try {
      built = buildCoinbaseOrder(o, this.products);
    } catch (e) {
      if (e instanceof CoinbaseError) return outcomeFromError(base, e);
      throw e;
    }
    const sent = { ...base, sentSize: built.size, sentPrice: built.price };
    let orderId: string;
    try {
      const res = await this.rest.postOrders(built.body);
      const r = parseCoinbaseCreateOrder(res.status, res.body);
      if (!r.ok) return outcomeFromError(sent, r.error);
      orderId = r.orderId;
    } catch (e) {
      if (e instanceof CoinbaseError) return outcomeFromError(sent, e);
      throw e;
    }
    // Accepted: the order exists. From here a failure to read it is `unknown` with its id, never a rejection.
    try {
      const order = await settleOrder(() => this.readOrder(orderId), this.settlePolicy, this.sleep);
      if (order === null) return { ...sent, orderId, status: 'unknown', filledSize: '0', reason: 'accepted order not found on read-back' };
      return outcomeFromOrder(sent, order);
    } catch (e) {
      if (e instanceof CoinbaseError) return { ...outcomeFromError(sent, e), orderId, status: 'unknown' };
      throw e;
    }
  }

  /** Coinbase dedupes by `client_order_id`, so the plain submit already is the idempotent one. */
  submitOrderIdempotent(o: SubmitOrder): Promise<OrderOutcome> {
    return this.submitOrder(o);
  }

  private async readOrder(orderId: string): Promise<OrderUpdate | null> {
    const res = await this.rest.getHistoricalOrder(orderId);
    if (res.status === 404) return null;
    if (res.status < 200 || res.status >= 300) throw coinbaseHttpError(res.status, res.body);
    return parseCoinbaseOrder(res.body);
  }

  /**
   * By order id when known; otherwise a scan of the historical batch for the client order id (the
   * API has no lookup by client id). Null = not in any page read.
   */
  async requestOrder(q: { clientOrderId: string; symbol: string; orderId?: string }): Promise<OrderUpdate | null> {
    if (q.orderId !== undefined) return this.readOrder(q.orderId);
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const res = await this.rest.getHistoricalBatch({ product_ids: [q.symbol.toUpperCase()], limit: 250, cursor });
      if (res.status < 200 || res.status >= 300) throw coinbaseHttpError(res.status, res.body);
      const r = batchSchema.safeParse(res.body);
      if (!r.success) throw coinbaseBadResponse('historical batch', r.error, res.status);
      for (const raw of r.data.orders) {
        const o = parseCoinbaseOrder({ order: raw });
        if (o.clientOrderId === q.clientOrderId) return o;
      }
      if (r.data.has_next !== true || !r.data.cursor) return null;
      cursor = r.data.cursor;
    }
    return null;
  }

  async requestFills(q: { orderId: string; symbol: string }): Promise<Fill[]> {
    const out: Fill[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const res = await this.rest.getHistoricalFills({ order_ids: [q.orderId], limit: 250, cursor });
      if (res.status < 200 || res.status >= 300) throw coinbaseHttpError(res.status, res.body);
      const r = parseCoinbaseFills(res.body);
      for (const f of r.fills) {
        const t = Date.parse(f.time);
        out.push({ ...f, feeCurrency: undefined, timeMs: Number.isFinite(t) ? t : undefined });
      }
      if (r.cursor === undefined || r.fills.length === 0) break;
      cursor = r.cursor;
    }
    return out;
  }

  async cancelOrder(q: { orderId?: string; clientOrderId?: string; symbol: string }): Promise<CancelOutcome> {
    try {
      let orderId = q.orderId;
      if (orderId === undefined) {
        if (q.clientOrderId === undefined) throw invalid('cancelOrder needs an orderId or a clientOrderId');
        const o = await this.requestOrder({ clientOrderId: q.clientOrderId, symbol: q.symbol });
        if (o === null) return { status: 'not_cancelled', reason: 'no such order' };
        orderId = o.orderId;
      }
      const res = await this.rest.postOrdersBatchCancel([orderId]);
      const r = parseCoinbaseBatchCancel(res.status, res.body).find((x) => x.orderId === orderId);
      if (r === undefined) return { status: 'unknown', orderId, reason: 'no result for the order in the cancel response' };
      return r.ok ? { status: 'cancelled', orderId } : { status: 'not_cancelled', orderId, reason: r.reason };
    } catch (e) {
      if (!(e instanceof CoinbaseError)) throw e;
      return { status: e.outcome === 'rejected' ? 'not_cancelled' : 'unknown', orderId: q.orderId, reason: e.venueReason ?? e.message, error: e };
    }
  }

  async requestBalances(): Promise<Balance[]> {
    const out: Balance[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const res = await this.rest.getAccounts({ limit: 250, cursor });
      if (res.status < 200 || res.status >= 300) throw coinbaseHttpError(res.status, res.body);
      const r = accountsSchema.safeParse(res.body);
      if (!r.success) throw coinbaseBadResponse('accounts', r.error, res.status);
      for (const a of r.data.accounts) {
        out.push({ currency: a.currency.toUpperCase(), available: a.available_balance.value, hold: a.hold?.value ?? '0' });
      }
      if (r.data.has_next !== true || !r.data.cursor) break;
      cursor = r.data.cursor;
    }
    return out;
  }

  async requestFees(): Promise<Fees> {
    const res = await this.rest.getTransactionSummary({ product_type: 'SPOT' });
    if (res.status < 200 || res.status >= 300) throw coinbaseHttpError(res.status, res.body);
    const r = summarySchema.safeParse(res.body);
    if (!r.success) throw coinbaseBadResponse('transaction_summary', r.error, res.status);
    return { makerBps: rateToBps(r.data.fee_tier.maker_fee_rate), takerBps: rateToBps(r.data.fee_tier.taker_fee_rate) };
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}
