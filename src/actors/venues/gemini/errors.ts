/**
 * Gemini errors → one class with a stable `code`, a retry class and an order outcome.
 *
 * Gemini answers a refused request with `{"result":"error","reason":"<Code>","message":"…"}` and a
 * 4xx: definitive, so `rejected`. A timeout, a 5xx or a dropped socket is `unknown`: the order may
 * exist, and since `client_order_id` is not a documented idempotency key [U], reconcile through
 * `/v1/order/status {client_order_id}` before any retry.
 */
import { CambistError, type RetryClass } from '../../../shared/errors.ts';

export type Outcome = 'rejected' | 'unknown';

export type GeminiErrorCode =
  | 'gemini.insufficient_funds'
  | 'gemini.invalid_order'
  | 'gemini.order_rejected'
  | 'gemini.bad_request'
  | 'gemini.auth'
  | 'gemini.nonce'
  | 'gemini.nonce_exhausted'
  | 'gemini.not_found'
  | 'gemini.rate_limited'
  | 'gemini.server'
  | 'gemini.timeout'
  | 'gemini.transport'
  | 'gemini.bad_response'
  | 'gemini.bad_message';

export class GeminiError extends CambistError {
  override readonly code: GeminiErrorCode;
  readonly outcome: Outcome;
  readonly httpStatus: number | undefined;
  /** Gemini's `reason` (e.g. `InsufficientFunds`). */
  readonly venueReason: string | undefined;

  constructor(
    code: GeminiErrorCode,
    message: string,
    opts: { cause?: unknown; retry: RetryClass; outcome: Outcome; httpStatus?: number; venueReason?: string },
  ) {
    super(code, message, opts);
    this.name = 'GeminiError';
    this.code = code;
    this.outcome = opts.outcome;
    this.httpStatus = opts.httpStatus;
    this.venueReason = opts.venueReason;
  }
}

const BY_REASON: Record<string, { code: GeminiErrorCode; retry: RetryClass }> = {
  InsufficientFunds: { code: 'gemini.insufficient_funds', retry: 'non-retryable' },
  InvalidSignature: { code: 'gemini.auth', retry: 'non-retryable' },
  InvalidApiKey: { code: 'gemini.auth', retry: 'non-retryable' },
  MissingApikeyHeader: { code: 'gemini.auth', retry: 'non-retryable' },
  MissingRole: { code: 'gemini.auth', retry: 'non-retryable' },
  // The request was not processed; a fresh, larger nonce makes the same request valid.
  InvalidNonce: { code: 'gemini.nonce', retry: 'retryable' },
  RateLimit: { code: 'gemini.rate_limited', retry: 'retryable' },
  RateLimited: { code: 'gemini.rate_limited', retry: 'retryable' },
  OrderNotFound: { code: 'gemini.not_found', retry: 'non-retryable' },
  InvalidPrice: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  InvalidQuantity: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  InvalidSymbol: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  InvalidSide: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  InvalidOrderType: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  ConflictingOptions: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  ClientOrderIdTooLong: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  ClientOrderIdMustBeString: { code: 'gemini.invalid_order', retry: 'non-retryable' },
  EndpointMismatch: { code: 'gemini.bad_request', retry: 'non-retryable' },
  InvalidJson: { code: 'gemini.bad_request', retry: 'non-retryable' },
  MissingParameters: { code: 'gemini.bad_request', retry: 'non-retryable' },
};

function bodyReason(body: unknown): { reason: string | undefined; message: string | undefined } {
  if (typeof body !== 'object' || body === null) return { reason: undefined, message: undefined };
  const b = body as { reason?: unknown; message?: unknown };
  return {
    reason: typeof b.reason === 'string' ? b.reason : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
  };
}

/**
 * Classify a REST error. 5xx (incl. `Maintenance`/`System`) → unknown; 4xx → rejected, by `reason`
 * where known, else by status.
 */
export function geminiHttpError(status: number, body: unknown): GeminiError {
  const { reason, message } = bodyReason(body);
  const text = `Gemini HTTP ${status}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`;
  const base = { httpStatus: status, venueReason: reason };
  if (status >= 500 || status === 408) {
    return new GeminiError('gemini.server', text, { ...base, retry: 'retryable', outcome: 'unknown' });
  }
  const known = reason === undefined ? undefined : BY_REASON[reason];
  if (known !== undefined) return new GeminiError(known.code, text, { ...base, retry: known.retry, outcome: 'rejected' });
  if (status === 429) return new GeminiError('gemini.rate_limited', text, { ...base, retry: 'retryable', outcome: 'rejected' });
  if (status === 401 || status === 403) return new GeminiError('gemini.auth', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  if (status === 404) return new GeminiError('gemini.not_found', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  if (status >= 400) return new GeminiError('gemini.order_rejected', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  return new GeminiError('gemini.bad_response', `unexpected Gemini HTTP status ${status}`, { ...base, retry: 'retryable', outcome: 'unknown' });
}

export function geminiTransportError(cause: unknown, timedOut = false): GeminiError {
  return new GeminiError(
    timedOut ? 'gemini.timeout' : 'gemini.transport',
    timedOut ? 'Gemini request timed out; outcome unknown' : 'Gemini request failed in transport; outcome unknown',
    { cause, retry: 'retryable', outcome: 'unknown' },
  );
}

export function geminiBadResponse(what: string, cause?: unknown, httpStatus?: number): GeminiError {
  return new GeminiError('gemini.bad_response', `Gemini ${what} response did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
    httpStatus,
  });
}

export function geminiBadMessage(what: string, cause?: unknown): GeminiError {
  return new GeminiError('gemini.bad_message', `Gemini WS ${what} did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
  });
}
