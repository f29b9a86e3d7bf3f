/**
 * Gemini private API auth (cex-protocols.md §2.2, §2.5, §2.6).
 *
 * The signature is HMAC-SHA384 over the *base64 text* of the JSON payload, not over the JSON, and the
 * payload travels in a header with an empty body. Pure: the payload (holding `request` and `nonce`)
 * comes in, headers come out.
 */
import { createHmac } from 'node:crypto';
import { GeminiError } from './errors.ts';

export interface GeminiPayload {
  /** The URL path, e.g. `/v1/order/new`; must equal the request path (else `EndpointMismatch`). */
  request: string;
  nonce: number | string;
  [param: string]: unknown;
}

export interface GeminiHeadersInput {
  apiKey: string;
  apiSecret: string;
  /** A payload object, or its exact JSON text (signed as-is, whitespace included). */
  payload: GeminiPayload | string;
}

export function geminiSignature(apiSecret: string, payloadB64: string): string {
  return createHmac('sha384', apiSecret).update(payloadB64).digest('hex');
}

/** Headers for a private REST POST (empty body) or the order-events WebSocket upgrade. */
export function geminiHeaders({ apiKey, apiSecret, payload }: GeminiHeadersInput): Record<string, string> {
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else {
    if (typeof payload.request !== 'string' || !payload.request.startsWith('/')) {
      throw new GeminiError('gemini.bad_request', 'Gemini payload needs `request` = the URL path', { retry: 'fatal', outcome: 'rejected' });
    }
    if (payload.nonce === undefined || payload.nonce === null || payload.nonce === '') {
      throw new GeminiError('gemini.bad_request', 'Gemini payload needs a `nonce`', { retry: 'fatal', outcome: 'rejected' });
    }
    text = JSON.stringify(payload);
  }
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return {
    'Content-Type': 'text/plain',
    'Content-Length': '0',
    'Cache-Control': 'no-cache',
    'X-GEMINI-APIKEY': apiKey,
    'X-GEMINI-PAYLOAD': b64,
    'X-GEMINI-SIGNATURE': geminiSignature(apiSecret, b64),
  };
}

/**
 * Upgrade headers for the new WebSocket API (`wss://ws.gemini.com`): account-scoped keys with a
 * time-based nonce; the payload is the base64 of the nonce in epoch seconds.
 */
export function geminiWsHeaders({ apiKey, apiSecret, nonceSec }: { apiKey: string; apiSecret: string; nonceSec: number }): Record<string, string> {
  const nonce = String(Math.floor(nonceSec));
  const b64 = Buffer.from(nonce, 'utf8').toString('base64');
  return {
    'X-GEMINI-APIKEY': apiKey,
    'X-GEMINI-NONCE': nonce,
    'X-GEMINI-PAYLOAD': b64,
    'X-GEMINI-SIGNATURE': geminiSignature(apiSecret, b64),
  };
}

/** Where the nonce high-water mark survives restarts (a file, the store); injected for tests. */
export interface NonceStore {
  load(): number | undefined;
  save(highWater: number): void;
}

export type GeminiNonceMode =
  /** Strictly increasing per key; epoch ms recommended. */
  | 'ms'
  /** Keys created with "Uses a time-based nonce": epoch seconds within ±30 s of Gemini's clock. */
  | 'time-sec';

/**
 * A nonce source that never goes backwards, across restarts and wall-clock steps.
 *
 * `ms` mode: max(now, last+1). To avoid a store write per request it persists a *reservation*
 * (`reserve` ahead of the last nonce); after a restart numbering starts above the reservation, so a
 * crash can never replay a used nonce even if the clock went back.
 *
 * `time-sec` mode: the nonce must stay near now, so a reservation would break the ±30 s window.
 * It hands out max(nowSec, last+1) and refuses (retryable) once that runs more than `maxLeadSec`
 * ahead of the clock, i.e. more than ~1 request/s sustained on one key [U: whether Gemini accepts
 * repeated seconds is undocumented, so we never repeat]. The last value is persisted each time.
 */
export class GeminiNonce {
  private last: number;
  private reservedUpTo: number;
  private readonly mode: GeminiNonceMode;
  private readonly nowMs: () => number;
  private readonly store: NonceStore | undefined;
  private readonly reserve: number;
  private readonly maxLeadSec: number;

  constructor(opts: { nowMs: () => number; mode?: GeminiNonceMode; store?: NonceStore; reserve?: number; maxLeadSec?: number }) {
    this.mode = opts.mode ?? 'ms';
    this.nowMs = opts.nowMs;
    this.store = opts.store;
    this.reserve = opts.reserve ?? 60_000;
    this.maxLeadSec = opts.maxLeadSec ?? 20;
    const persisted = this.store?.load() ?? 0;
    this.last = persisted;
    this.reservedUpTo = persisted;
  }

  next(): number {
    if (this.mode === 'time-sec') {
      const nowSec = Math.floor(this.nowMs() / 1000);
      const n = Math.max(nowSec, this.last + 1);
      if (n - nowSec > this.maxLeadSec) {
        throw new GeminiError('gemini.nonce_exhausted', 'time-based Gemini nonce would run ahead of the ±30 s window; slow down', {
          retry: 'retryable',
          outcome: 'rejected',
        });
      }
      this.last = n;
      this.store?.save(n);
      return n;
    }
    const n = Math.max(Math.floor(this.nowMs()), this.last + 1);
    this.last = n;
    if (n > this.reservedUpTo) {
      this.reservedUpTo = n + this.reserve;
      this.store?.save(this.reservedUpTo);
    }
    return n;
  }
}
