/**
 * Bitstamp order client: `CexExecClient` over `BitstampRest`.
 *
 * Submit = limit `buy|sell/{pair}/` with `ioc_order=True` and the caller's `client_order_id`. The
 * create response carries no fill information, so the order is then read with `order_status` until
 * final; fills, fees and the average price come from its transactions (exact decimals).
 *
 * Idempotency: Bitstamp refuses a repeated `client_order_id` (`400.019`), which is evidence the
 * order exists, not a failure: `submitOrder` answers it by looking the order up. On top of that, as
 * on Gemini:
 * - `submitOrder` remembers the client ids it has sent; a repeat takes the lookup-first path;
 * - `submitOrderIdempotent` always looks up first (`order_status {client_order_id}`) and sends only
 *   when Bitstamp has no such order; a failed lookup is `unknown` and nothing is sent.
 */
import { z } from 'zod';
import { decCmp, decIsZero, decMul, decParse, decToString, formatPriceCap, formatSize } from '../../../shared/decimal.ts';
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
  sumFills,
} from '../common/exec-types.ts';
import { LookupFirstExec } from '../common/lookup-first.ts';
import { BitstampError, bitstampBadResponse, bitstampHttpError } from './errors.ts';
import { parseBitstampCancel, parseBitstampOrder, parseBitstampOrderStatus, type Fill as BitstampFill } from './parse.ts';
import { type BitstampForm, BitstampRest, type BitstampRestOptions } from './rest.ts';

/** The simulator's pairs (2 price decimals, 8 size decimals). Real pairs: pass them from config. */
export const BITSTAMP_SIM_PRODUCTS: Readonly<Record<string, ProductIncrements>> = {
  solusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  btcusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
  ethusd: { priceIncrement: '0.01', sizeIncrement: '0.00000001' },
};

export interface BitstampExecOptions extends BitstampRestOptions {
  /** Increments per lowercase pair; defaults to `BITSTAMP_SIM_PRODUCTS`. */
  products?: Readonly<Record<string, ProductIncrements>>;
  settle?: SettlePolicy;
  sleep?: (ms: number) => Promise<void>;
}

function invalid(message: string): BitstampError {
  return new BitstampError('bitstamp.invalid_order', message, { retry: 'non-retryable', outcome: 'rejected' });
}

/** Pure: pair, side and form for an IOC with a safe-rounded cap and size. Throws `bitstamp.invalid_order`. */
export function buildBitstampOrder(
  o: SubmitOrder,
  products: Readonly<Record<string, ProductIncrements>>,
): { pair: string; form: BitstampForm; size: string; price: string } {
  const pair = o.symbol.toLowerCase();
  const inc = products[pair];
  if (inc === undefined) throw invalid(`no increments configured for Bitstamp pair ${pair}`);
  const size = formatSize(o.size, inc.sizeIncrement);
  const price = formatPriceCap(o.priceCap, inc.priceIncrement, o.side);
  if (decIsZero(decParse(size))) throw invalid(`size ${o.size} rounds to 0 at increment ${inc.sizeIncrement}`);
  if (inc.minSize !== undefined && decCmp(decParse(size), decParse(inc.minSize)) < 0) throw invalid(`size ${size} is below the minimum ${inc.minSize}`);
  if (decCmp(decParse(price), decParse('0')) <= 0) throw invalid(`price cap ${o.priceCap} is not positive`);
  // Booleans are the literal `True`; exactly one time-in-force flag (two → 400.024).
  return { pair, form: { amount: size, price, ioc_order: 'True', client_order_id: o.clientOrderId }, size, price };
}

/** Bitstamp datetimes ("2023-01-01 12:00:00.123456", UTC) → epoch ms. */
function datetimeMs(s: string): number | undefined {
  const t = Date.parse(`${s.replace(' ', 'T').slice(0, 23)}Z`);
  return Number.isFinite(t) ? t : undefined;
}

function toFill(f: BitstampFill, side: 'buy' | 'sell' | undefined, symbol: string): Fill {
  return { ...f, symbol, side, feeCurrency: undefined, liquidity: undefined, timeMs: datetimeMs(f.time) };
}

const balancesSchema = z.array(z.looseObject({ currency: z.string(), available: z.string(), reserved: z.string().optional() }));
const feesSchema = z.array(z.looseObject({ market: z.string(), fees: z.looseObject({ maker: z.string(), taker: z.string() }) }));

/** A percentage string ("0.16000") in bps (16). */
export function percentToBps(pct: string): number {
  return Number(decToString(decMul(decParse(pct), decParse('100'))));
}

export class BitstampExec extends LookupFirstExec<{ order: OrderUpdate; fills: Fill[] }> implements CexExecClient {
  readonly venue = 'bitstamp' as const;
  readonly rest: BitstampRest;

  constructor(opts: BitstampExecOptions) {
    super(opts, BITSTAMP_SIM_PRODUCTS);
    this.rest = new BitstampRest(opts);
  }

  protected isVenueError(e: unknown): e is BitstampError {
    return e instanceof BitstampError;
  }

  protected lookUp(o: SubmitOrder): Promise<{ order: OrderUpdate; fills: Fill[] } | null> {
    return this.readOrder({ client_order_id: o.clientOrderId }, o.symbol);
  }

  protected finishFound(base: { venue: 'bitstamp'; clientOrderId: string }, found: { order: OrderUpdate; fills: Fill[] }, o: SubmitOrder): Promise<OrderOutcome> {
    return this.finish(base, found.order, o.symbol);
  }

  protected async send(o: SubmitOrder): Promise<OrderOutcome> {
    const base = { venue: this.venue, clientOrderId: o.clientOrderId };
    let built;
    try {
      built = buildBitstampOrder(o, this.products);
    } catch (e) {
      if (e instanceof BitstampError) return outcomeFromError(base, e);
      throw e;
    }
    const sent = { ...base, sentSize: built.size, sentPrice: built.price };
    let orderId: string;
    try {
      const res = o.side === 'buy' ? await this.rest.buyLimit(built.pair, built.form) : await this.rest.sellLimit(built.pair, built.form);
      const r = parseBitstampOrder(res.status, res.body);
      if (!r.ok) {
        if (r.error.code !== 'bitstamp.duplicate_client_order_id') return outcomeFromError(sent, r.error);
        // The id is taken, so an earlier attempt reached Bitstamp: report that order, never a second one.
        const existing = await this.readOrder({ client_order_id: o.clientOrderId }, o.symbol);
        if (existing === null) return outcomeFromError(sent, r.error);
        return this.finish(sent, existing.order, o.symbol);
      }
      orderId = r.orderId;
    } catch (e) {
      if (e instanceof BitstampError) return outcomeFromError(sent, e);
      throw e;
    }
    return this.finish(sent, null, o.symbol, orderId);
  }

  /** Read an accepted order until final; a failed read leaves it `unknown` with its id. */
  private async finish(
    sent: { venue: 'bitstamp'; clientOrderId: string; sentSize?: string; sentPrice?: string },
    known: OrderUpdate | null,
    symbol: string,
    orderId = known?.orderId ?? '',
  ): Promise<OrderOutcome> {
    if (known !== null && known.terminal) return outcomeFromOrder(sent, known);
    try {
      const last = await settleOrder(async () => (await this.readOrder({ id: orderId }, symbol))?.order ?? null, this.settlePolicy, this.sleep);
      if (last === null) return { ...sent, orderId, status: 'unknown', filledSize: '0', reason: 'accepted order not found on read-back' };
      return outcomeFromOrder(sent, last);
    } catch (e) {
      if (e instanceof BitstampError) return { ...outcomeFromError(sent, e), orderId, status: 'unknown' };
      throw e;
    }
  }

  /** `order_status`; null when Bitstamp has no such order. The average price is computed from the transactions. */
  private async readOrder(form: BitstampForm, symbol: string): Promise<{ order: OrderUpdate; fills: Fill[] } | null> {
    const res = await this.rest.postOrderStatus(form);
    try {
      const { order, fills } = parseBitstampOrderStatus(res.status, res.body);
      const sum = sumFills(fills);
      return {
        order: { ...order, symbol: symbol.toLowerCase(), avgPrice: sum.avgPrice },
        fills: fills.map((f) => toFill(f, order.side, symbol.toLowerCase())),
      };
    } catch (e) {
      if (e instanceof BitstampError && e.code === 'bitstamp.not_found') return null;
      throw e;
    }
  }

  async requestOrder(q: { clientOrderId: string; symbol: string; orderId?: string }): Promise<OrderUpdate | null> {
    const r = await this.readOrder(q.orderId !== undefined ? { id: q.orderId } : { client_order_id: q.clientOrderId }, q.symbol);
    return r?.order ?? null;
  }

  async requestFills(q: { orderId: string; symbol: string }): Promise<Fill[]> {
    const r = await this.readOrder({ id: q.orderId }, q.symbol);
    return r?.fills ?? [];
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
      const res = await this.rest.postCancelOrder({ id: orderId });
      const r = parseBitstampCancel(res.status, res.body);
      if (!r.ok) throw r.error;
      return { status: 'cancelled', orderId: r.orderId };
    } catch (e) {
      if (!(e instanceof BitstampError)) throw e;
      return { status: e.outcome === 'rejected' ? 'not_cancelled' : 'unknown', orderId: q.orderId, reason: e.venueReason ?? e.message, error: e };
    }
  }

  async requestBalances(): Promise<Balance[]> {
    const res = await this.rest.postAccountBalances();
    if (res.status < 200 || res.status >= 300) throw bitstampHttpError(res.status, res.body);
    const r = balancesSchema.safeParse(res.body);
    if (!r.success) throw bitstampBadResponse('account_balances', r.error, res.status);
    return r.data.map((b) => ({
      currency: b.currency.toUpperCase(),
      available: decToString(decParse(b.available)),
      hold: decToString(decParse(b.reserved ?? '0')),
    }));
  }

  /** Fees for one pair, or the highest across pairs (conservative) when no symbol is given. */
  async requestFees(q: { symbol?: string } = {}): Promise<Fees> {
    const res = await this.rest.postFeesTrading();
    if (res.status < 200 || res.status >= 300) throw bitstampHttpError(res.status, res.body);
    const r = feesSchema.safeParse(res.body);
    if (!r.success) throw bitstampBadResponse('fees/trading', r.error, res.status);
    const rows = q.symbol === undefined ? r.data : r.data.filter((x) => x.market.toLowerCase() === q.symbol?.toLowerCase());
    if (rows.length === 0) throw bitstampBadResponse(`fees/trading (no market ${String(q.symbol)})`, undefined, res.status);
    return {
      makerBps: Math.max(...rows.map((x) => percentToBps(x.fees.maker))),
      takerBps: Math.max(...rows.map((x) => percentToBps(x.fees.taker))),
    };
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}
