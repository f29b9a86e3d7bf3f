/**
 * The one order-client interface the executor sees for every CEX venue (DESIGN §4, §6), plus the
 * small pieces the three `exec.ts`/`rest.ts` share: outcome classification, exact fill arithmetic,
 * settling an order to a final state, and the undici transport with a per-request deadline.
 *
 * The outcome rule (NautilusTrader's policy, DESIGN §4): only definitive venue evidence is a
 * `rejected`. A timeout, a 5xx, a reset or dropped socket, an unreadable 2xx body, a lookup that
 * itself failed: all `unknown`. An unknown order stays in flight; the caller reconciles with
 * `requestOrder` by client order id and never treats it as a failed leg.
 */
import { Pool } from 'undici';
import { decAdd, decCmp, decIsZero, decMul, decParse, decToString, type Dec } from '../../../shared/decimal.ts';
import type { CambistError } from '../../../shared/errors.ts';

export type CexVenue = 'coinbase' | 'gemini' | 'bitstamp';
export type OrderSide = 'buy' | 'sell';
export type OrderState = 'pending' | 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'unknown';

/** What every venue's `errors.ts` class carries (CoinbaseError, GeminiError, BitstampError). */
export type VenueError = CambistError & {
  readonly outcome: 'rejected' | 'unknown';
  readonly httpStatus: number | undefined;
  readonly venueReason: string | undefined;
};

/** Venue order state; each venue's `parse.ts` OrderUpdate is assignable to it. */
export interface OrderUpdate {
  venue: CexVenue;
  orderId: string;
  clientOrderId: string | undefined;
  symbol: string;
  side: OrderSide | undefined;
  state: OrderState;
  terminal: boolean;
  /** Cumulative executed base size, exact. */
  filledSize: string;
  remainingSize: string | undefined;
  avgPrice: string | undefined;
  fees: string | undefined;
  reason: string | undefined;
}

/** One execution, exact decimal strings; `fee` is in the quote currency unless `feeCurrency` says otherwise. */
export interface Fill {
  venue: CexVenue;
  tradeId: string;
  orderId: string;
  symbol: string;
  side: OrderSide | undefined;
  price: string;
  size: string;
  fee: string;
  feeCurrency: string | undefined;
  liquidity: 'maker' | 'taker' | undefined;
  /** Epoch ms of the execution, when the venue says. */
  timeMs: number | undefined;
}

export interface SubmitOrder {
  /** Caller-derived (from the trade key), so a retry or restart cannot double an order. */
  clientOrderId: string;
  /** Venue-native symbol: Coinbase `SOL-USD`, Gemini `solusd`, Bitstamp `solusd`. */
  symbol: string;
  side: OrderSide;
  /** Base size; rounded down to the size increment. */
  size: string;
  /** Limit price cap; buy rounds down, sell rounds up to the price increment. */
  priceCap: string;
}

export type OrderStatus = 'filled' | 'partial' | 'no_fill' | 'rejected' | 'unknown';

export interface OrderOutcome {
  venue: CexVenue;
  status: OrderStatus;
  clientOrderId: string;
  orderId?: string;
  /** The size and price actually sent (after formatting); absent when nothing was built. */
  sentSize?: string;
  sentPrice?: string;
  /** Exact executed base size; "0" when none or unknown. */
  filledSize: string;
  avgPrice?: string;
  /** Total fee, quote currency. */
  fee?: string;
  reason?: string;
  /** The venue error behind a `rejected` or `unknown`; tests and the executor match on `error.code`. */
  error?: VenueError;
  /** Last venue state seen, when one was read. */
  order?: OrderUpdate;
}

export interface CancelOutcome {
  /** `not_cancelled`: the venue definitively refused (e.g. the IOC was already final). */
  status: 'cancelled' | 'not_cancelled' | 'unknown';
  orderId?: string;
  reason?: string;
  error?: VenueError;
}

export interface Balance {
  /** Uppercase currency code. */
  currency: string;
  available: string;
  hold: string;
}

export interface Fees {
  makerBps: number;
  takerBps: number;
}

export interface CexExecClient {
  readonly venue: CexVenue;
  /**
   * Limit IOC with a price cap. Never throws for venue or transport failures: they come back as
   * `rejected` or `unknown` with `error`. Safe to call again with the same client order id on every
   * venue (see each exec.ts for how).
   */
  submitOrder(o: SubmitOrder): Promise<OrderOutcome>;
  /**
   * Recovery form for a caller that does not know whether an earlier attempt (maybe in a previous
   * process) reached the venue: looks the client order id up first where the venue does not dedupe.
   */
  submitOrderIdempotent(o: SubmitOrder): Promise<OrderOutcome>;
  cancelOrder(q: { orderId?: string; clientOrderId?: string; symbol: string }): Promise<CancelOutcome>;
  /** The venue's view of one order, or null when the venue has no such order. Throws a VenueError if the lookup fails. */
  requestOrder(q: { clientOrderId: string; symbol: string; orderId?: string }): Promise<OrderUpdate | null>;
  requestFills(q: { orderId: string; symbol: string }): Promise<Fill[]>;
  requestBalances(): Promise<Balance[]>;
  requestFees(q?: { symbol?: string }): Promise<Fees>;
  close(): Promise<void>;
}

/** Product increments (from config or the venue's product endpoint), decimal strings. */
export interface ProductIncrements {
  priceIncrement: string;
  sizeIncrement: string;
  /** Smallest accepted base size, when the venue has one above the increment. */
  minSize?: string;
}

/** How long to wait for an order to reach a final state after it was accepted. */
export interface SettlePolicy {
  attempts: number;
  delayMs: number;
}

export const DEFAULT_SETTLE: SettlePolicy = { attempts: 5, delayMs: 50 };
export const DEFAULT_TIMEOUT_MS = 5_000;

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A final (or last-seen) order → outcome. Quantities decide, states confirm: an IOC remainder shows
 * as cancelled/expired on every venue, so "cancelled with fills" is `partial`.
 */
export function outcomeFromOrder(
  base: { venue: CexVenue; clientOrderId: string; sentSize?: string; sentPrice?: string },
  order: OrderUpdate,
  extra: { avgPrice?: string; fee?: string } = {},
): OrderOutcome {
  const filled = decParse(order.filledSize);
  const avgPrice = extra.avgPrice ?? (decIsZero(filled) ? undefined : order.avgPrice);
  const out: OrderOutcome = {
    venue: base.venue,
    clientOrderId: base.clientOrderId,
    orderId: order.orderId,
    sentSize: base.sentSize,
    sentPrice: base.sentPrice,
    filledSize: order.filledSize,
    avgPrice: avgPrice,
    fee: extra.fee ?? order.fees,
    order,
    status: 'unknown',
  };
  if (order.state === 'rejected') return { ...out, status: 'rejected', reason: order.reason ?? 'venue marked the order failed' };
  if (!order.terminal) return { ...out, status: 'unknown', reason: `order still ${order.state}; reconcile by client order id` };
  if (decIsZero(filled)) return { ...out, status: 'no_fill', avgPrice: undefined, reason: order.reason };
  const full = order.state === 'filled' || (base.sentSize !== undefined && decCmp(filled, decParse(base.sentSize)) >= 0);
  return { ...out, status: full ? 'filled' : 'partial', reason: full ? undefined : order.reason };
}

/** A venue error → outcome, by the error's own classification. */
export function outcomeFromError(
  base: { venue: CexVenue; clientOrderId: string; sentSize?: string; sentPrice?: string; orderId?: string },
  error: VenueError,
): OrderOutcome {
  return {
    ...base,
    status: error.outcome === 'rejected' ? 'rejected' : 'unknown',
    filledSize: '0',
    reason: error.venueReason ?? error.message,
    error,
  };
}

/** Exact sum of fills' sizes and fees, and the size-weighted average price (truncated to 12 decimals). */
export function sumFills(fills: readonly { price: string; size: string; fee: string }[]): { size: string; fee: string; avgPrice: string | undefined } {
  let size: Dec = { units: 0n, scale: 0 };
  let fee: Dec = { units: 0n, scale: 0 };
  let notional: Dec = { units: 0n, scale: 0 };
  for (const f of fills) {
    const s = decParse(f.size);
    size = decAdd(size, s);
    fee = decAdd(fee, decParse(f.fee));
    notional = decAdd(notional, decMul(decParse(f.price), s));
  }
  return { size: decToString(size), fee: decToString(fee), avgPrice: decIsZero(size) ? undefined : decToString(decDiv(notional, size, 12)) };
}

/** a / b truncated toward zero at `scale` decimals (b ≠ 0). */
function decDiv(a: Dec, b: Dec, scale: number): Dec {
  // a.units/10^a.scale ÷ b.units/10^b.scale = a.units·10^(scale + b.scale) / (b.units·10^a.scale) at `scale`.
  const num = a.units * 10n ** BigInt(scale + b.scale);
  const den = b.units * 10n ** BigInt(a.scale);
  return { units: num / den, scale };
}

/**
 * Re-read an accepted order until it is final or the attempts run out. The IOC is final at the
 * matching engine at once, but a venue's read side may lag its write side; the caller turns a
 * still-open result into `unknown`, never a guess.
 */
export async function settleOrder(
  read: () => Promise<OrderUpdate | null>,
  policy: SettlePolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<OrderUpdate | null> {
  let last: OrderUpdate | null = null;
  for (let i = 0; i < Math.max(1, policy.attempts); i++) {
    if (i > 0) await sleep(policy.delayMs);
    last = await read();
    if (last !== null && last.terminal) return last;
  }
  return last;
}

/**
 * Remembers which client order ids this process has sent, so a second `submitOrder` with the same id
 * takes the lookup-first path on venues that do not dedupe. Bounded: the oldest ids fall out, and a
 * caller that retries much later (or after a restart) uses `submitOrderIdempotent`, which it knows
 * to do from its durable trade intent.
 */
export class SentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 10_000) {}
  /** True when the id was already sent; records it otherwise. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value as string);
    this.ids.add(id);
    return false;
  }
}

// ── transport ────────────────────────────────────────────────────────────────────────────────────

export interface HttpOptions {
  /** Origin (and optional path prefix) of the venue, e.g. `https://api.coinbase.com` or the simulator's URL. */
  baseUrl: string;
  /** Whole-request deadline (connect, headers and body). */
  timeoutMs?: number;
  /** Sockets kept to the origin. */
  connections?: number;
  keepAliveMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON (a proxy's HTML 502, an empty body). */
  body: unknown;
  text: string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One undici keep-alive pool per venue origin. undici never retries a POST by itself, which is what
 * we want: a retry of an order is a decision (same client order id), not a transport detail. Every
 * transport failure becomes the venue's transport error, `timedOut` telling a deadline from a reset.
 */
export class VenueHttp {
  readonly prefix: string;
  private readonly pool: Pool;
  private readonly timeoutMs: number;

  constructor(
    opts: HttpOptions,
    private readonly transportError: (cause: unknown, timedOut: boolean) => VenueError,
  ) {
    const url = new URL(opts.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pool = new Pool(url.origin, {
      connections: opts.connections ?? 4,
      pipelining: 1,
      keepAliveTimeout: opts.keepAliveMs ?? 30_000,
      keepAliveMaxTimeout: Math.max(opts.keepAliveMs ?? 30_000, 60_000),
      connect: { timeout: this.timeoutMs },
    });
  }

  async request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort(new Error(`deadline of ${this.timeoutMs} ms passed`));
    }, this.timeoutMs);
    try {
      const res = await this.pool.request({
        method,
        path: this.prefix + path,
        headers,
        body,
        signal: ac.signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: parseJson(text), text };
    } catch (e) {
      const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
      throw this.transportError(e, timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code)));
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // Not JSON (an HTML error page from a proxy): the status decides; the text stays available.
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}
