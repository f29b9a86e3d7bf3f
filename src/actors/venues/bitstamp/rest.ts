/**
 * Bitstamp HTTP API v2 private REST (cex-protocols.md §3.2–3.3), one method per endpoint, raw: each
 * returns the HTTP status and parsed body for `parse.ts` to judge. Form-encoded POSTs signed with
 * `X-Auth*` headers; Content-Type only when a body is sent. Transport failures throw a
 * `BitstampError` (outcome `unknown`).
 *
 * Nonces are fresh UUIDs per request (reuse → API0004) and the timestamp comes from the clock seam.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { type HttpOptions, type HttpResponse, VenueHttp } from '../common/exec-types.ts';
import { BITSTAMP_FORM, BITSTAMP_HOST, bitstampHeaders } from './auth.ts';
import { bitstampTransportError } from './errors.ts';

export interface BitstampCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface BitstampRestOptions extends HttpOptions {
  credentials: BitstampCredentials;
  clock?: Clock;
  /** `X-Auth-Nonce` source (seam); UUID v4 by default. */
  nonce?: () => string;
  /** Host in the string to sign; `www.bitstamp.net` (the simulator accepts it too). */
  signHost?: string;
}

export type BitstampForm = Record<string, string>;

export class BitstampRest {
  readonly #creds: BitstampCredentials;
  private readonly http: VenueHttp;
  private readonly clock: Clock;
  private readonly nonce: () => string;
  private readonly signHost: string;

  constructor(opts: BitstampRestOptions) {
    this.#creds = { ...opts.credentials };
    this.http = new VenueHttp(opts, bitstampTransportError);
    this.clock = opts.clock ?? systemClock;
    this.nonce = opts.nonce ?? randomUUID;
    this.signHost = opts.signHost ?? BITSTAMP_HOST;
  }

  private post(path: string, form: BitstampForm = {}): Promise<HttpResponse> {
    const body = new URLSearchParams(form).toString();
    const full = `/api/v2${path}`;
    const headers = bitstampHeaders({
      apiKey: this.#creds.apiKey,
      apiSecret: this.#creds.apiSecret,
      method: 'POST',
      host: this.signHost,
      path: this.http.prefix + full,
      query: '',
      contentType: body === '' ? '' : BITSTAMP_FORM,
      body,
      nonce: this.nonce(),
      timestampMs: this.clock.nowMs(),
    });
    return this.http.request('POST', full, headers, body === '' ? undefined : body);
  }

  /** POST /api/v2/buy/{pair}/ (limit; `ioc_order=True` for IOC). No fill info in the response. */
  buyLimit(pair: string, form: BitstampForm): Promise<HttpResponse> {
    return this.post(`/buy/${encodeURIComponent(pair.toLowerCase())}/`, form);
  }

  /** POST /api/v2/sell/{pair}/. */
  sellLimit(pair: string, form: BitstampForm): Promise<HttpResponse> {
    return this.post(`/sell/${encodeURIComponent(pair.toLowerCase())}/`, form);
  }

  /** POST /api/v2/order_status/ `{id | client_order_id}`. */
  postOrderStatus(form: BitstampForm): Promise<HttpResponse> {
    return this.post('/order_status/', form);
  }

  /** POST /api/v2/cancel_order/ `{id}`. */
  postCancelOrder(form: BitstampForm): Promise<HttpResponse> {
    return this.post('/cancel_order/', form);
  }

  /** POST /api/v2/account_balances/. */
  postAccountBalances(): Promise<HttpResponse> {
    return this.post('/account_balances/');
  }

  /** POST /api/v2/fees/trading/. */
  postFeesTrading(): Promise<HttpResponse> {
    return this.post('/fees/trading/');
  }

  /** POST /api/v2/user_transactions/[{pair}/]. */
  postUserTransactions(pair?: string, form: BitstampForm = {}): Promise<HttpResponse> {
    return this.post(pair === undefined ? '/user_transactions/' : `/user_transactions/${encodeURIComponent(pair.toLowerCase())}/`, form);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
