/**
 * Bitstamp errors → one class with a stable `code`, a retry class and an order outcome.
 *
 * Bodies come in two generations: legacy `{"status":"error","reason":…,"code":"API0005"}` and newer
 * `response_code` values like `400.009`. Either is the venue refusing: `rejected`, except
 * `400.019` (duplicate `client_order_id`): that is evidence an earlier attempt *did* create the
 * order, so it is `unknown` and must be settled by `order_status {client_order_id}`, never treated
 * as a failed leg. Timeouts, 5xx and dropped sockets are `unknown` as everywhere.
 */
import { CambistError, type RetryClass } from '../../../shared/errors.ts';

export type Outcome = 'rejected' | 'unknown';

export type BitstampErrorCode =
  | 'bitstamp.insufficient_funds'
  | 'bitstamp.invalid_order'
  | 'bitstamp.order_rejected'
  | 'bitstamp.duplicate_client_order_id'
  | 'bitstamp.bad_request'
  | 'bitstamp.auth'
  | 'bitstamp.nonce'
  | 'bitstamp.not_found'
  | 'bitstamp.rate_limited'
  | 'bitstamp.server'
  | 'bitstamp.timeout'
  | 'bitstamp.transport'
  | 'bitstamp.bad_response'
  | 'bitstamp.bad_message'
  | 'bitstamp.ws_error';

export class BitstampError extends CambistError {
  override readonly code: BitstampErrorCode;
  readonly outcome: Outcome;
  readonly httpStatus: number | undefined;
  /** Bitstamp's own code (`API0005`, `400.009`) and/or reason text. */
  readonly venueReason: string | undefined;

  constructor(
    code: BitstampErrorCode,
    message: string,
    opts: { cause?: unknown; retry: RetryClass; outcome: Outcome; httpStatus?: number; venueReason?: string },
  ) {
    super(code, message, opts);
    this.name = 'BitstampError';
    this.code = code;
    this.outcome = opts.outcome;
    this.httpStatus = opts.httpStatus;
    this.venueReason = opts.venueReason;
  }
}

// Only the codes the reference documents; an unknown code still classifies by status below.
const BY_CODE: Record<string, { code: BitstampErrorCode; retry: RetryClass; outcome: Outcome }> = {
  // Reused nonce: nothing was processed; a fresh UUID makes the same request valid.
  API0004: { code: 'bitstamp.nonce', retry: 'retryable', outcome: 'rejected' },
  API0005: { code: 'bitstamp.auth', retry: 'non-retryable', outcome: 'rejected' },
  API0020: { code: 'bitstamp.bad_request', retry: 'non-retryable', outcome: 'rejected' },
  '400.002': { code: 'bitstamp.rate_limited', retry: 'retryable', outcome: 'rejected' },
  '400.009': { code: 'bitstamp.insufficient_funds', retry: 'non-retryable', outcome: 'rejected' },
  '400.019': { code: 'bitstamp.duplicate_client_order_id', retry: 'non-retryable', outcome: 'unknown' },
  '400.024': { code: 'bitstamp.invalid_order', retry: 'non-retryable', outcome: 'rejected' },
  '400.025': { code: 'bitstamp.invalid_order', retry: 'non-retryable', outcome: 'rejected' },
};

function flattenReason(reason: unknown): string | undefined {
  if (typeof reason === 'string') return reason;
  if (typeof reason === 'object' && reason !== null) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(reason)) {
      const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      parts.push(k === '__all__' ? list.join('; ') : `${k}: ${list.join('; ')}`);
    }
    return parts.join(' | ');
  }
  return undefined;
}

/** True when a body (any HTTP status) is a Bitstamp error body. */
export function isBitstampErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as { status?: unknown; response_code?: unknown; code?: unknown };
  return b.status === 'error' || typeof b.response_code === 'string';
}

/**
 * Classify a Bitstamp error response. 5xx → unknown regardless of body; a recognised code decides;
 * otherwise any error body is a generic rejection and a bare 4xx is classified by status.
 */
export function bitstampHttpError(status: number, body: unknown): BitstampError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { code?: unknown; response_code?: unknown; reason?: unknown; message?: unknown };
  const vcode = typeof b.response_code === 'string' ? b.response_code : typeof b.code === 'string' ? b.code : undefined;
  const reason = flattenReason(b.reason) ?? (typeof b.message === 'string' ? b.message : undefined);
  const text = `Bitstamp HTTP ${status}${vcode ? ` ${vcode}` : ''}${reason ? `: ${reason}` : ''}`;
  const base = { httpStatus: status, venueReason: vcode ?? reason };
  if (status >= 500 || status === 408) return new BitstampError('bitstamp.server', text, { ...base, retry: 'retryable', outcome: 'unknown' });
  const known = vcode === undefined ? undefined : BY_CODE[vcode];
  if (known !== undefined) return new BitstampError(known.code, text, { ...base, retry: known.retry, outcome: known.outcome });
  if (status === 429) return new BitstampError('bitstamp.rate_limited', text, { ...base, retry: 'retryable', outcome: 'rejected' });
  if (status === 401 || status === 403) return new BitstampError('bitstamp.auth', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  if (status === 404) return new BitstampError('bitstamp.not_found', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
  return new BitstampError('bitstamp.order_rejected', text, { ...base, retry: 'non-retryable', outcome: 'rejected' });
}

export function bitstampTransportError(cause: unknown, timedOut = false): BitstampError {
  return new BitstampError(
    timedOut ? 'bitstamp.timeout' : 'bitstamp.transport',
    timedOut ? 'Bitstamp request timed out; outcome unknown' : 'Bitstamp request failed in transport; outcome unknown',
    { cause, retry: 'retryable', outcome: 'unknown' },
  );
}

export function bitstampBadResponse(what: string, cause?: unknown, httpStatus?: number): BitstampError {
  return new BitstampError('bitstamp.bad_response', `Bitstamp ${what} response did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
    httpStatus,
  });
}

export function bitstampBadMessage(what: string, cause?: unknown): BitstampError {
  return new BitstampError('bitstamp.bad_message', `Bitstamp WS ${what} did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
  });
}
