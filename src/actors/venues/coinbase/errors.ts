/**
 * Coinbase errors → one class with a stable `code`, a retry class and an order *outcome*.
 *
 * Outcome policy (DESIGN §4): only definitive venue evidence is a rejection. A timeout, a 5xx, a
 * dropped socket or a body we cannot read says nothing about whether an order exists, so it is
 * `unknown` and the order stays in flight until reconciliation (query by client order id). Coinbase
 * answers HTTP 200 with `success:false` for refused orders: that *is* a rejection.
 */
import { CambistError, type RetryClass } from '../../../shared/errors.ts';

/** `rejected`: the venue definitively did not act. `unknown`: it may have; reconcile. */
export type Outcome = 'rejected' | 'unknown';

export type CoinbaseErrorCode =
  | 'coinbase.insufficient_funds'
  | 'coinbase.invalid_order'
  | 'coinbase.order_rejected'
  | 'coinbase.bad_request'
  | 'coinbase.auth'
  | 'coinbase.bad_key'
  | 'coinbase.not_found'
  | 'coinbase.rate_limited'
  | 'coinbase.server'
  | 'coinbase.timeout'
  | 'coinbase.transport'
  | 'coinbase.bad_response'
  | 'coinbase.bad_message'
  | 'coinbase.ws_error';

export class CoinbaseError extends CambistError {
  override readonly code: CoinbaseErrorCode;
  readonly outcome: Outcome;
  readonly httpStatus: number | undefined;
  /** The venue's own reason string (e.g. `INSUFFICIENT_FUND`), kept for logs and reconciliation. */
  readonly venueReason: string | undefined;

  constructor(
    code: CoinbaseErrorCode,
    message: string,
    opts: { cause?: unknown; retry: RetryClass; outcome: Outcome; httpStatus?: number; venueReason?: string },
  ) {
    super(code, message, opts);
    this.name = 'CoinbaseError';
    this.code = code;
    this.outcome = opts.outcome;
    this.httpStatus = opts.httpStatus;
    this.venueReason = opts.venueReason;
  }
}

// Reasons seen in `error_response.error` / `new_order_failure_reason`; anything else is a generic
// rejection that keeps the venue's string, so a new Coinbase reason still classifies correctly.
const FUNDS = new Set(['INSUFFICIENT_FUND', 'INSUFFICIENT_FUNDS']);
const INVALID = new Set([
  'INVALID_LIMIT_PRICE',
  'INVALID_LIMIT_PRICE_POST_ONLY',
  'INVALID_PRICE_PRECISION',
  'INVALID_SIZE_PRECISION',
  'INVALID_PRODUCT_ID',
  'INVALID_SIDE',
  'INVALID_ORDER_CONFIG',
  'ORDER_ENTRY_DISABLED',
  'UNSUPPORTED_ORDER_CONFIGURATION',
  'INVALID_NO_LIQUIDITY',
]);

/** A `success:false` create-order response: a definitive rejection. */
export function coinbaseOrderRejection(
  resp: { error?: string; message?: string; error_details?: string; new_order_failure_reason?: string; preview_failure_reason?: string },
  httpStatus = 200,
): CoinbaseError {
  const reason =
    resp.error && resp.error !== 'UNKNOWN_FAILURE_REASON'
      ? resp.error
      : resp.new_order_failure_reason || resp.preview_failure_reason || resp.error || 'UNKNOWN_FAILURE_REASON';
  const code: CoinbaseErrorCode = FUNDS.has(reason)
    ? 'coinbase.insufficient_funds'
    : INVALID.has(reason)
      ? 'coinbase.invalid_order'
      : 'coinbase.order_rejected';
  return new CoinbaseError(code, `Coinbase rejected the order: ${reason}${resp.message ? ` (${resp.message})` : ''}`, {
    retry: 'non-retryable',
    outcome: 'rejected',
    httpStatus,
    venueReason: reason,
  });
}

function reasonOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { error?: unknown; message?: unknown };
  const parts = [b.error, b.message].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/**
 * Classify a non-2xx REST response (`{"error","code","message","details"}`). 4xx are the venue
 * refusing the request (definitive); 5xx and gateway timeouts are unknown outcomes.
 */
export function coinbaseHttpError(status: number, body: unknown): CoinbaseError {
  const reason = reasonOf(body);
  const msg = `Coinbase HTTP ${status}${reason ? `: ${reason}` : ''}`;
  const base = { httpStatus: status, venueReason: reason };
  if (status === 401 || status === 403) {
    // A bad or expired JWT (clock skew, wrong key); a fresh JWT won't fix a wrong key, so don't loop.
    return new CoinbaseError('coinbase.auth', msg, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  }
  if (status === 404) return new CoinbaseError('coinbase.not_found', msg, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  if (status === 429) return new CoinbaseError('coinbase.rate_limited', msg, { ...base, retry: 'retryable', outcome: 'rejected' });
  if (status === 408 || status === 504 || status >= 500) {
    return new CoinbaseError('coinbase.server', msg, { ...base, retry: 'retryable', outcome: 'unknown' });
  }
  if (status >= 400) return new CoinbaseError('coinbase.bad_request', msg, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  return new CoinbaseError('coinbase.bad_response', `unexpected Coinbase HTTP status ${status}`, {
    ...base,
    retry: 'retryable',
    outcome: 'unknown',
  });
}

/** Timeout, reset, DNS, dropped socket: the request may or may not have reached Coinbase. */
export function coinbaseTransportError(cause: unknown, timedOut = false): CoinbaseError {
  return new CoinbaseError(
    timedOut ? 'coinbase.timeout' : 'coinbase.transport',
    timedOut ? 'Coinbase request timed out; outcome unknown' : 'Coinbase request failed in transport; outcome unknown',
    { cause, retry: 'retryable', outcome: 'unknown' },
  );
}

/** A 2xx body that fails its wire guard: we cannot tell what happened, so never a rejection. */
export function coinbaseBadResponse(what: string, cause?: unknown, httpStatus?: number): CoinbaseError {
  return new CoinbaseError('coinbase.bad_response', `Coinbase ${what} response did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
    httpStatus,
  });
}
