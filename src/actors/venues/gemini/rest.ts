/**
 * Gemini private REST (cex-protocols.md §2.2, §2.7), one method per endpoint, raw: each returns the
 * HTTP status and parsed body for `parse.ts` to judge. Every call is a POST with an empty body; the
 * JSON payload (`request` = path, `nonce`, params) travels base64 in `X-GEMINI-PAYLOAD`, signed with
 * HMAC-SHA384 over that base64 text. Transport failures throw a `GeminiError` (outcome `unknown`).
 *
 * Nonces must reach Gemini in increasing order per key. The nonce is taken when the request is
 * built and undici's pool queue is FIFO, so with the default single connection requests arrive in
 * nonce order; more connections can reorder them in flight (→ `InvalidNonce`, a clean rejection).
 * Gemini's own advice for parallel workers is one key each.
 */
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { type HttpOptions, type HttpResponse, VenueHttp } from '../common/exec-types.ts';
import { GeminiNonce, geminiHeaders } from './auth.ts';
import { geminiTransportError } from './errors.ts';

export interface GeminiCredentials {
  apiKey: string;
  apiSecret: string;
  /** Required by Gemini for master keys only. */
  account?: string;
}

export interface GeminiRestOptions extends HttpOptions {
  credentials: GeminiCredentials;
  clock?: Clock;
  /** Nonce source (seam); defaults to a `GeminiNonce` in ms mode on `clock`. Persist it in live mode. */
  nonce?: { next(): number };
}

export type GeminiParams = Record<string, unknown>;

export class GeminiRest {
  readonly #creds: GeminiCredentials;
  private readonly http: VenueHttp;
  private readonly nonce: { next(): number };

  constructor(opts: GeminiRestOptions) {
    this.#creds = { ...opts.credentials };
    // One connection by default: see the nonce-ordering note above.
    this.http = new VenueHttp({ ...opts, connections: opts.connections ?? 1 }, geminiTransportError);
    const clock = opts.clock ?? systemClock;
    this.nonce = opts.nonce ?? new GeminiNonce({ nowMs: () => clock.nowMs() });
  }

  private post(path: string, params: GeminiParams = {}): Promise<HttpResponse> {
    const payload = { request: path, nonce: this.nonce.next(), ...params, ...(this.#creds.account === undefined ? {} : { account: this.#creds.account }) };
    const headers = geminiHeaders({ apiKey: this.#creds.apiKey, apiSecret: this.#creds.apiSecret, payload });
    return this.http.request('POST', path, headers);
  }

  /** POST /v1/order/new. */
  postOrderNew(params: GeminiParams): Promise<HttpResponse> {
    return this.post('/v1/order/new', params);
  }

  /** POST /v1/order/status `{order_id | client_order_id, include_trades}`. */
  postOrderStatus(params: GeminiParams): Promise<HttpResponse> {
    return this.post('/v1/order/status', params);
  }

  /** POST /v1/order/cancel `{order_id}`. */
  postOrderCancel(params: GeminiParams): Promise<HttpResponse> {
    return this.post('/v1/order/cancel', params);
  }

  /** POST /v1/mytrades `{symbol, limit_trades, timestamp}`. */
  postMytrades(params: GeminiParams): Promise<HttpResponse> {
    return this.post('/v1/mytrades', params);
  }

  /** POST /v1/balances. */
  postBalances(): Promise<HttpResponse> {
    return this.post('/v1/balances');
  }

  /** POST /v1/notionalvolume (fee tier in bps). */
  postNotionalvolume(): Promise<HttpResponse> {
    return this.post('/v1/notionalvolume');
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
