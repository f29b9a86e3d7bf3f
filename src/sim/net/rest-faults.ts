import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { VenueFaults } from '../faults.ts';
import type { Scheduler } from '../market/scheduler.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A venue's own answers for "too many requests" and "server trouble". */
export interface ErrorShape {
  rateLimited(): { status: number; body: string; headers?: Record<string, string> };
  serverError(): { status: number; body: string; headers?: Record<string, string> };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

/**
 * Error bodies per venue. The 429 codes are the documented ones (Gemini `RateLimit`, Bitstamp
 * `400.002`); statuses and texts the reference does not give are guesses, listed in the README.
 */
export const ERROR_SHAPES: Record<'coinbase' | 'gemini' | 'bitstamp' | 'solana' | 'jupiter', ErrorShape> = {
  coinbase: {
    rateLimited: () => json(429, { error: 'RESOURCE_EXHAUSTED', code: 8, message: 'Too many requests', details: [] }),
    serverError: () => json(503, { error: 'UNAVAILABLE', code: 14, message: 'service unavailable', details: [] }),
  },
  gemini: {
    rateLimited: () => json(429, { result: 'error', reason: 'RateLimit', message: 'Requests were made too frequently. Please slow down.' }),
    serverError: () => json(503, { result: 'error', reason: 'Maintenance', message: 'The system is down for maintenance' }),
  },
  bitstamp: {
    rateLimited: () => json(429, { status: 'error', reason: { __all__: ['Rate limit exceeded.'] }, response_code: '400.002' }),
    // Bitstamp sits behind a CDN: a 5xx arrives as an HTML page, not the API's JSON.
    serverError: () => ({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } }),
  },
  solana: {
    rateLimited: () => json(429, { jsonrpc: '2.0', error: { code: 429, message: 'Too many requests for a specific RPC call' }, id: null }),
    serverError: () => json(503, { jsonrpc: '2.0', error: { code: -32603, message: 'Service unavailable' }, id: null }),
  },
  jupiter: {
    rateLimited: () => json(429, { code: 429, message: 'Too Many Requests' }, { 'x-ratelimit-remaining': '0', 'retry-after': '1' }),
    serverError: () => json(500, { error: 'Internal Server Error' }),
  },
};

function send(res: ServerResponse, a: { status: number; body: string; headers?: Record<string, string> }): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(a.status, { ...a.headers, 'content-length': Buffer.byteLength(a.body).toString() });
  res.end(a.body);
}

/**
 * REST latency and errors in front of a venue's handler. Half the sampled latency passes before the
 * handler runs (the request travelling: the order meets the book as it is then) and half after (the
 * answer travelling). An `error_after` request runs normally and its answer is replaced by a 5xx, so
 * the client cannot know whether its order exists: exactly what reconcile-by-client-id is for.
 */
export function withRestFaults(faults: VenueFaults, scheduler: Scheduler, shape: ErrorShape, handler: Handler, countRateLimits = true): Handler {
  return (req, res) => {
    const plan = faults.planRest(countRateLimits);
    if (plan.latency_ms <= 0 && plan.outcome === 'ok') return handler(req, res);
    const half = plan.latency_ms / 2;
    if (plan.outcome === 'rate_limited' || plan.outcome === 'error_before') {
      // Read and discard the body so the client's keep-alive connection stays usable.
      req.resume();
      const answer = plan.outcome === 'rate_limited' ? shape.rateLimited() : shape.serverError();
      scheduler.after(plan.latency_ms, () => send(res, answer));
      return;
    }
    scheduler.after(half, () => {
      captureAnswer(res, (captured) => {
        scheduler.after(half, () => {
          if (plan.outcome === 'error_after') send(res, shape.serverError());
          else captured();
        });
      });
      handler(req, res);
    });
  };
}

/**
 * Hold the handler's answer instead of writing it: every simulator handler answers with one
 * `writeHead` + one `end` (sendJson / sendText), so those two are intercepted and replayed later.
 * Patching the response object is the one way to add latency without changing every handler.
 */
function captureAnswer(res: ServerResponse, onEnd: (replay: () => void) => void): void {
  const writeHead = res.writeHead.bind(res);
  const end = res.end.bind(res);
  let status = 200;
  let headers: OutgoingHttpHeaders = {};
  res.writeHead = ((s: number, h?: OutgoingHttpHeaders) => {
    status = s;
    headers = h ?? {};
    return res;
  }) as typeof res.writeHead;
  res.end = ((chunk?: string | Buffer) => {
    res.writeHead = writeHead;
    res.end = end;
    onEnd(() => {
      if (res.destroyed) return;
      writeHead(status, headers);
      end(chunk);
    });
    return res;
  }) as typeof res.end;
}
