/**
 * Gemini order client: `CexExecClient` over `GeminiRest`.
 *
 * Submit = `exchange limit` + `options:["immediate-or-cancel"]` (Gemini has no market orders); the
 * new-order response is the state after matching, so an IOC result is final in one round trip.
 *
 * Idempotency: `client_order_id` is not a documented dedupe key on Gemini [U], and the simulator
 * does not dedupe either, so a blind re-send could double an order. Hence:
 * - `submitOrder` remembers the client ids it has sent; a second call with the same id (after an
 *   `unknown`) takes the lookup-first path below instead of sending again;
 * - `submitOrderIdempotent` always looks the id up first (`/v1/order/status {client_order_id}`) and
 *   sends only when Gemini says it has no such order; if the lookup itself fails the answer is
 *   `unknown` and nothing is sent. Use it after a restart, when the in-memory set is empty.
 * Residual race: a request that timed out on our side can still reach Gemini after the lookup said
 * "not found"; the caller should look up no sooner than its request deadline after the first send.
 */
import { z } from 'zod';
import { decCmp, decIsZero, decParse, decSub, decToString, formatPriceCap, formatSize } from '../../../shared/decimal.ts';
import {
  type Balance,
  type CancelOutcome,
  type CexExecClient,
  type Fees,
  type Fill,
  type OrderOutcome,
  type OrderUpdate,
  outcomeFromError,
  outcomeFromOrder,
  type ProductIncrements,
  type SettlePolicy,
  settleOrder,
  type SubmitOrder,
} from '../common/exec-types.ts';
import { LookupFirstExec } from '../common/lookup-first.ts';
import { GeminiError, geminiBadResponse, geminiHttpError } from './errors.ts';
import { parseGeminiMyTrades, parseGeminiOrder } from './parse.ts';
import { type GeminiParams, GeminiRest, type GeminiRestOptions } from './rest.ts';

/** The simulator's symbols (2 price decimals, 8 size decimals). Real symbols: pass them from config. */
export const GEMINI_SIM_PRODUCTS: Readonly<Record<string, ProductIncrements>> = {
  solusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  btcusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  ethusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
};

export interface GeminiExecOptions extends GeminiRestOptions {
  /** Increments per lowercase REST symbol; defaults to `GEMINI_SIM_PRODUCTS`. */
  products?: Readonly<Record<string, ProductIncrements>>;
  settle?: SettlePolicy;
  sleep?: (ms: number) => Promise<void>;
}

function invalid(message: string): GeminiError {
  return new GeminiError('gemini.invalid_order', message, { retry: 'non-retryable', outcome: 'rejected' });
}

/** Pure: the `/v1/order/new` params for an IOC with a safe-rounded cap and size. Throws `gemini.invalid_order`. */
export function buildGeminiOrder(o: SubmitOrder, products: Readonly<Record<string, ProductIncrements>>): { params: GeminiParams; size: string; price: string } {
  const symbol = o.symbol.toLowerCase();
  const inc = products[symbol];
  if (inc === undefined) throw invalid(`no increments configured for Gemini symbol ${symbol}`);
  if (o.clientOrderId.length >= 100) throw invalid('client order id must be under 100 characters on Gemini');
  const size = formatSize(o.size, inc.sizeIncrement);
  const price = formatPriceCap(o.priceCap, inc.priceIncrement, o.side);
  if (decIsZero(decParse(size))) throw invalid(`size ${o.size} rounds to 0 at increment ${inc.sizeIncrement}`);
  if (inc.minSize !== undefined && decCmp(decParse(size), decParse(inc.minSize)) < 0) throw invalid(`size ${size} is below the minimum ${inc.minSize}`);
  if (decCmp(decParse(price), decParse('0')) <= 0) throw invalid(`price cap ${o.priceCap} is not positive`);
  return {
    params: { client_order_id: o.clientOrderId, symbol, amount: size, price, side: o.side, type: 'exchange limit', options: ['immediate-or-cancel'] },
    size,
    price,
  };
}

/** Gemini order ids are integers on the wire; keep a non-numeric id as given. */
function orderIdParam(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

const balancesSchema = z.array(z.looseObject({ currency: z.string(), amount: z.string(), available: z.string() }));
const notionalSchema = z.looseObject({ api_maker_fee_bps: z.number(), api_taker_fee_bps: z.number() });

export class GeminiExec extends LookupFirstExec<OrderUpdate> implements CexExecClient {
  readonly venue = 'gemini' as const;
  readonly rest: GeminiRest;

  constructor(opts: GeminiExecOptions) {
    super(opts, GEMINI_SIM_PRODUCTS);
    this.rest = new GeminiRest(opts);
  }

  protected isVenueError(e: unknown): e is GeminiError {
    return e instanceof GeminiError;
  }

  protected lookUp(o: SubmitOrder): Promise<OrderUpdate | null> {
    return this.requestOrder({ clientOrderId: o.clientOrderId, symbol: o.symbol });
  }

  protected finishFound(base: { venue: 'gemini'; clientOrderId: string }, found: OrderUpdate, o: SubmitOrder): Promise<OrderOutcome> {
    return this.finish(base, found);
  }

  protected async send(o: SubmitOrder): Promise<OrderOutcome> {
    const base = { venue: this.venue, clientOrderId: o.clientOrderId };
    let built;
    try {
      built = buildGeminiOrder(o, this.products);
    } catch (e) {
      if (e instanceof GeminiError) return outcomeFromError(base, e);
      throw e;
    }
    const sent = { ...base, sentSize: built.size, sentPrice: built.price };
    try {
      const res = await this.rest.postOrderNew(built.params);
      const r = parseGeminiOrder(res.status, res.body);
      if (!r.ok) return outcomeFromError(sent, r.error);
      return this.finish(sent, r.order);
    } catch (e) {
      if (e instanceof GeminiError) return outcomeFromError(sent, e);
      throw e;
    }
  }

  /** An order the venue knows: final already (IOC), or re-read until it is. */
  private async finish(sent: { venue: 'gemini'; clientOrderId: string; sentSize?: string; sentPrice?: string }, order: OrderUpdate): Promise<OrderOutcome> {
    if (order.terminal) return outcomeFromOrder(sent, order);
    try {
      const last = await settleOrder(() => this.readOrder({ order_id: orderIdParam(order.orderId) }, order.clientOrderId ?? sent.clientOrderId), this.settlePolicy, this.sleep);
      return outcomeFromOrder(sent, last ?? order);
    } catch (e) {
      if (e instanceof GeminiError) return { ...outcomeFromError(sent, e), orderId: order.orderId, status: 'unknown' };
      throw e;
    }
  }

  private async readOrder(params: GeminiParams, clientOrderId: string): Promise<OrderUpdate | null> {
    const res = await this.rest.postOrderStatus(params);
    let body = res.body;
    if (Array.isArray(body)) {
      // Some Gemini versions answer a client_order_id lookup with a list; pick ours.
      body = body.find((x) => typeof x === 'object' && x !== null && (x as { client_order_id?: unknown }).client_order_id === clientOrderId);
      if (body === undefined) return null;
    }
    const r = parseGeminiOrder(res.status, body);
    if (r.ok) return r.order;
    if (r.error.code === 'gemini.not_found') return null;
    throw r.error;
  }

  async requestOrder(q: { clientOrderId: string; symbol: string; orderId?: string }): Promise<OrderUpdate | null> {
    const params = q.orderId !== undefined ? { order_id: orderIdParam(q.orderId) } : { client_order_id: q.clientOrderId };
    return this.readOrder(params, q.clientOrderId);
  }

  /** The order's own trades (`order/status` with `include_trades`), else the recent `mytrades` for its symbol. */
  async requestFills(q: { orderId: string; symbol: string }): Promise<Fill[]> {
    const symbol = q.symbol.toLowerCase();
    const res = await this.rest.postOrderStatus({ order_id: orderIdParam(q.orderId), include_trades: true });
    if (res.status < 200 || res.status >= 300) throw geminiHttpError(res.status, res.body);
    const trades = typeof res.body === 'object' && res.body !== null ? (res.body as { trades?: unknown }).trades : undefined;
    let fills = trades === undefined ? undefined : parseGeminiMyTrades(trades, symbol);
    if (fills === undefined) {
      const mt = await this.rest.postMytrades({ symbol, limit_trades: 500 });
      if (mt.status < 200 || mt.status >= 300) throw geminiHttpError(mt.status, mt.body);
      fills = parseGeminiMyTrades(mt.body, symbol);
    }
    return fills.filter((f) => f.orderId === q.orderId);
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
      const res = await this.rest.postOrderCancel({ order_id: orderIdParam(orderId) });
      const r = parseGeminiOrder(res.status, res.body);
      if (!r.ok) throw r.error;
      return r.order.state === 'cancelled' ? { status: 'cancelled', orderId } : { status: 'not_cancelled', orderId, reason: `order is ${r.order.state}` };
    } catch (e) {
      if (!(e instanceof GeminiError)) throw e;
      return { status: e.outcome === 'rejected' ? 'not_cancelled' : 'unknown', orderId: q.orderId, reason: e.venueReason ?? e.message, error: e };
    }
  }

  async requestBalances(): Promise<Balance[]> {
    const res = await this.rest.postBalances();
    if (res.status < 200 || res.status >= 300) throw geminiHttpError(res.status, res.body);
    const r = balancesSchema.safeParse(res.body);
    if (!r.success) throw geminiBadResponse('balances', r.error, res.status);
    return r.data.map((b) => ({
      currency: b.currency.toUpperCase(),
      available: decToString(decParse(b.available)),
      // Gemini reports the total and what is available; the difference is on hold in open orders.
      hold: decToString(decSub(decParse(b.amount), decParse(b.available))),
    }));
  }

  async requestFees(): Promise<Fees> {
    const res = await this.rest.postNotionalvolume();
    if (res.status < 200 || res.status >= 300) throw geminiHttpError(res.status, res.body);
    const r = notionalSchema.safeParse(res.body);
    if (!r.success) throw geminiBadResponse('notionalvolume', r.error, res.status);
    return { makerBps: r.data.api_maker_fee_bps, takerBps: r.data.api_taker_fee_bps };
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}
