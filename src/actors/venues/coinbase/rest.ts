/**
 * Coinbase Advanced Trade private REST (cex-protocols.md §1.6), one method per endpoint, raw: each
 * returns the HTTP status and parsed body for `parse.ts` to judge. Transport failures throw a
 * `CoinbaseError` with outcome `unknown` (timeout, reset).
 *
 * Every request gets a fresh CDP JWT (§1.2): `uri` = "METHOD host/path" without the query. The
 * credentials live in a private field and go nowhere else: not into errors, not into logs.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { type HttpOptions, type HttpResponse, VenueHttp } from '../common/exec-types.ts';
import { COINBASE_API_HOST, coinbaseAuthHeader } from './auth.ts';
import { coinbaseTransportError } from './errors.ts';

export interface CoinbaseCredentials {
  /** CDP key name (`organizations/{org}/apiKeys/{id}` or a bare id). */
  keyName: string;
  /** EC P-256 PEM or base64 Ed25519 secret, as the CDP portal issues it. */
  privateKey: string;
}

export interface CoinbaseRestOptions extends HttpOptions {
  credentials: CoinbaseCredentials;
  clock?: Clock;
  /** JWT header nonce (random hex); a seam so tests can replay. */
  jwtNonce?: () => string;
  /** Host signed into the `uri` claim; `api.coinbase.com` (the simulator accepts it too). */
  jwtHost?: string;
}

export const COINBASE_BROKERAGE = '/api/v3/brokerage';

export interface CoinbaseCreateOrderBody {
  client_order_id: string;
  product_id: string;
  side: 'BUY' | 'SELL';
  order_configuration: Record<string, Record<string, string | boolean>>;
}

type Query = Record<string, string | number | readonly string[] | undefined>;

function queryString(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    // Coinbase repeats list parameters (`order_ids=a&order_ids=b`).
    if (Array.isArray(v)) for (const x of v as readonly string[]) p.append(k, x);
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

export class CoinbaseRest {
  readonly #creds: CoinbaseCredentials;
  private readonly http: VenueHttp;
  private readonly clock: Clock;
  private readonly jwtNonce: () => string;
  private readonly jwtHost: string;

  constructor(opts: CoinbaseRestOptions) {
    this.#creds = { ...opts.credentials };
    this.http = new VenueHttp(opts, coinbaseTransportError);
    this.clock = opts.clock ?? systemClock;
    this.jwtNonce = opts.jwtNonce ?? (() => randomBytes(16).toString('hex'));
    this.jwtHost = opts.jwtHost ?? COINBASE_API_HOST;
  }

  private send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResponse> {
    const full = COINBASE_BROKERAGE + path;
    const authorization = coinbaseAuthHeader({
      keyName: this.#creds.keyName,
      privateKey: this.#creds.privateKey,
      method,
      path: full,
      nowSec: this.clock.nowMs() / 1000,
      nonce: this.jwtNonce(),
      host: this.jwtHost,
    });
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.http.request(method, full, headers, body === undefined ? undefined : JSON.stringify(body));
  }

  /** POST /orders: HTTP 200 even when refused (`success:false`). */
  postOrders(body: CoinbaseCreateOrderBody): Promise<HttpResponse> {
    return this.send('POST', '/orders', body);
  }

  /** GET /orders/historical/{order_id}. */
  getHistoricalOrder(orderId: string): Promise<HttpResponse> {
    return this.send('GET', `/orders/historical/${encodeURIComponent(orderId)}`);
  }

  /** GET /orders/historical/batch. */
  getHistoricalBatch(q: { product_ids?: readonly string[]; order_status?: readonly string[]; limit?: number; cursor?: string } = {}): Promise<HttpResponse> {
    return this.send('GET', `/orders/historical/batch${queryString(q)}`);
  }

  /** GET /orders/historical/fills (plural filters; the singular ones are legacy). */
  getHistoricalFills(q: { order_ids?: readonly string[]; product_ids?: readonly string[]; limit?: number; cursor?: string } = {}): Promise<HttpResponse> {
    return this.send('GET', `/orders/historical/fills${queryString(q)}`);
  }

  /** POST /orders/batch_cancel. */
  postOrdersBatchCancel(orderIds: readonly string[]): Promise<HttpResponse> {
    return this.send('POST', '/orders/batch_cancel', { order_ids: orderIds });
  }

  /** GET /accounts. */
  getAccounts(q: { limit?: number; cursor?: string } = {}): Promise<HttpResponse> {
    return this.send('GET', `/accounts${queryString(q)}`);
  }

  /** GET /transaction_summary (fee tier). */
  getTransactionSummary(q: { product_type?: string } = {}): Promise<HttpResponse> {
    return this.send('GET', `/transaction_summary${queryString(q)}`);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
