import { Pool } from 'undici';
import type { Clock } from '../../../../shared/clock.ts';
import { CambistError, errorMessage, type RetryClass } from '../../../../shared/errors.ts';
import { redactUrl } from '../config.ts';

/**
 * Jupiter Metis Swap API v1 (reference/solana-dex.md §4): GET /quote, POST /swap,
 * GET /program-id-to-label, under a configured base URL (e.g. https://api.jup.ag/swap/v1).
 *
 * Rate limits: a 429 closes a gate until the time the headers give (`retry-after` seconds, else
 * `x-ratelimit-reset`, read as epoch seconds when it looks like one and as seconds from now otherwise),
 * else an exponential backoff with jitter. A 2xx with `x-ratelimit-remaining: 0` closes the gate until
 * the reset too, so we stop before being refused. While the gate is closed a request either waits (if
 * the caller allows that long, `maxWaitMs`) or fails at once with JUPITER_RATE_LIMITED carrying
 * `retryAfterMs`, without touching the network.
 */
export const JupiterCode = {
  RateLimited: 'JUPITER_RATE_LIMITED',
  NoRoute: 'JUPITER_NO_ROUTE',
  BadRequest: 'JUPITER_BAD_REQUEST',
  Http: 'JUPITER_HTTP',
  Transport: 'JUPITER_TRANSPORT',
  BadResponse: 'JUPITER_BAD_RESPONSE',
  /** route-pin.ts: the route is not a single hop through our pool. */
  NotPinned: 'JUPITER_NOT_PINNED',
  /** route-pin.ts: a slippage above the pool's slippage_bps_cap was asked for. */
  SlippageCap: 'JUPITER_SLIPPAGE_CAP',
} as const;
export type JupiterCode = (typeof JupiterCode)[keyof typeof JupiterCode];

export class JupiterError extends CambistError {
  override readonly code: JupiterCode;
  readonly retryAfterMs: number;
  readonly status: number;
  constructor(code: JupiterCode, message: string, opts: { cause?: unknown; retry?: RetryClass; retryAfterMs?: number; status?: number } = {}) {
    super(code, message, opts);
    this.name = 'JupiterError';
    this.code = code;
    this.retryAfterMs = opts.retryAfterMs ?? 0;
    this.status = opts.status ?? 0;
  }
}

export interface QuoteParams {
  inputMint: string;
  outputMint: string;
  /** Raw u64 units of the input (ExactIn) or output (ExactOut). */
  amount: bigint;
  slippageBps: number;
  swapMode?: 'ExactIn' | 'ExactOut';
  dexes?: readonly string[];
  onlyDirectRoutes?: boolean;
  restrictIntermediateTokens?: boolean;
  maxAccounts?: number;
}

export interface RouteHop {
  ammKey: string;
  label: string;
  inputMint: string;
  outputMint: string;
  inAmount: bigint;
  outAmount: bigint;
  percent: number;
}

export interface JupiterQuote {
  inputMint: string;
  outputMint: string;
  inAmount: bigint;
  outAmount: bigint;
  otherAmountThreshold: bigint;
  swapMode: 'ExactIn' | 'ExactOut';
  slippageBps: number;
  priceImpactPct: number;
  routePlan: RouteHop[];
  contextSlot: number;
  timeTaken: number;
  /** Jupiter's own quote per AMM (mostReliableAmmsQuoteReport), raw units. */
  ammReport: Map<string, bigint>;
  /** The response exactly as received: /swap wants it back unchanged. */
  raw: Record<string, unknown>;
}

export interface SwapRequest {
  quote: JupiterQuote;
  userPublicKey: string;
  wrapAndUnwrapSol?: boolean;
  dynamicComputeUnitLimit?: boolean;
  prioritizationFeeLamports?: number;
  computeUnitPriceMicroLamports?: number;
}

export interface SwapResponse {
  /** base64 unsigned v0 transaction. */
  swapTransaction: string;
  lastValidBlockHeight: number;
  prioritizationFeeLamports: number;
  computeUnitLimit: number | undefined;
  simulationError: unknown;
}

export interface JupiterClientOptions {
  baseUrl: string;
  apiKey?: string;
  clock: Clock;
  random: () => number;
  timeoutMs?: number;
  /** Backoff when a 429 carries no usable header. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const big = (v: unknown, what: string): bigint => {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new JupiterError(JupiterCode.BadResponse, `${what}: expected a decimal string, got ${JSON.stringify(v)}`);
  return BigInt(v);
};

export function parseQuote(raw: unknown): JupiterQuote {
  const r = raw as Record<string, unknown> | null;
  if (r === null || typeof r !== 'object' || !Array.isArray(r.routePlan)) throw new JupiterError(JupiterCode.BadResponse, 'quote: expected an object with routePlan[]');
  const routePlan = (r.routePlan as { swapInfo?: Record<string, unknown>; percent?: unknown }[]).map((h, i) => {
    const s = h.swapInfo;
    if (!s || typeof s.ammKey !== 'string') throw new JupiterError(JupiterCode.BadResponse, `quote: routePlan[${i}].swapInfo.ammKey missing`);
    return {
      ammKey: s.ammKey,
      label: String(s.label ?? ''),
      inputMint: String(s.inputMint),
      outputMint: String(s.outputMint),
      inAmount: big(s.inAmount, `routePlan[${i}].inAmount`),
      outAmount: big(s.outAmount, `routePlan[${i}].outAmount`),
      percent: Number(h.percent ?? 100),
    };
  });
  const report = new Map<string, bigint>();
  const info = (r.mostReliableAmmsQuoteReport as { info?: Record<string, unknown> } | undefined)?.info;
  if (info) for (const [k, v] of Object.entries(info)) if (typeof v === 'string' && /^\d+$/.test(v)) report.set(k, BigInt(v));
  const mode = r.swapMode === 'ExactOut' ? 'ExactOut' : 'ExactIn';
  return {
    inputMint: String(r.inputMint),
    outputMint: String(r.outputMint),
    inAmount: big(r.inAmount, 'inAmount'),
    outAmount: big(r.outAmount, 'outAmount'),
    otherAmountThreshold: big(r.otherAmountThreshold, 'otherAmountThreshold'),
    swapMode: mode,
    slippageBps: Number(r.slippageBps),
    priceImpactPct: Number(r.priceImpactPct ?? 0),
    routePlan,
    contextSlot: Number(r.contextSlot ?? 0),
    timeTaken: Number(r.timeTaken ?? 0),
    ammReport: report,
    raw: r,
  };
}

/** Milliseconds until the provider lets us in again, from 429/limit headers; undefined when they say nothing. */
export function rateLimitWaitMs(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  const h = (n: string): string | undefined => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const ra = h('retry-after');
  if (ra !== undefined) {
    if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = h('x-ratelimit-reset');
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    // Providers send either an epoch (seconds) or seconds-until-reset; an epoch is > 10^9.
    return n > 1e9 ? Math.max(0, n * 1000 - nowMs) : n * 1000;
  }
  return undefined;
}

export class JupiterClient {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly label: string;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private gateUntilMs = 0;
  private backoffAttempt = 0;
  requests = 0;
  rateLimited = 0;
  lastRemaining = -1;

  constructor(private readonly o: JupiterClientOptions) {
    const u = new URL(o.baseUrl);
    this.prefix = u.pathname.replace(/\/+$/, '');
    this.label = redactUrl(o.baseUrl);
    this.timeoutMs = o.timeoutMs ?? 3_000;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.pool = new Pool(u.origin, { connections: 4, pipelining: 1, connect: { timeout: this.timeoutMs } });
  }

  /** Milliseconds until requests are allowed again (0 = now). */
  gateMs(): number {
    return Math.max(0, this.gateUntilMs - this.o.clock.nowMs());
  }

  async quote(p: QuoteParams, opts: { maxWaitMs?: number } = {}): Promise<JupiterQuote> {
    const q = new URLSearchParams({
      inputMint: p.inputMint,
      outputMint: p.outputMint,
      amount: p.amount.toString(),
      slippageBps: String(p.slippageBps),
      swapMode: p.swapMode ?? 'ExactIn',
    });
    if (p.dexes && p.dexes.length > 0) q.set('dexes', p.dexes.join(','));
    if (p.onlyDirectRoutes !== undefined) q.set('onlyDirectRoutes', String(p.onlyDirectRoutes));
    if (p.restrictIntermediateTokens !== undefined) q.set('restrictIntermediateTokens', String(p.restrictIntermediateTokens));
    if (p.maxAccounts !== undefined) q.set('maxAccounts', String(p.maxAccounts));
    return parseQuote(await this.request('GET', `/quote?${q.toString()}`, undefined, opts.maxWaitMs ?? 0));
  }

  async swap(req: SwapRequest, opts: { maxWaitMs?: number } = {}): Promise<SwapResponse> {
    const body: Record<string, unknown> = {
      quoteResponse: req.quote.raw,
      userPublicKey: req.userPublicKey,
      wrapAndUnwrapSol: req.wrapAndUnwrapSol ?? true,
      dynamicComputeUnitLimit: req.dynamicComputeUnitLimit ?? true,
    };
    if (req.prioritizationFeeLamports !== undefined) body.prioritizationFeeLamports = req.prioritizationFeeLamports;
    if (req.computeUnitPriceMicroLamports !== undefined) body.computeUnitPriceMicroLamports = req.computeUnitPriceMicroLamports;
    const r = (await this.request('POST', '/swap', JSON.stringify(body), opts.maxWaitMs ?? 0)) as Record<string, unknown> | null;
    if (r === null || typeof r.swapTransaction !== 'string') throw new JupiterError(JupiterCode.BadResponse, 'swap: expected swapTransaction (base64)');
    return {
      swapTransaction: r.swapTransaction,
      lastValidBlockHeight: Number(r.lastValidBlockHeight),
      prioritizationFeeLamports: Number(r.prioritizationFeeLamports ?? 0),
      computeUnitLimit: r.computeUnitLimit === undefined ? undefined : Number(r.computeUnitLimit),
      simulationError: r.simulationError ?? null,
    };
  }

  async programIdToLabel(): Promise<Record<string, string>> {
    const r = await this.request('GET', '/program-id-to-label', undefined, 0);
    if (r === null || typeof r !== 'object') throw new JupiterError(JupiterCode.BadResponse, 'program-id-to-label: expected an object');
    return r as Record<string, string>;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async request(method: 'GET' | 'POST', path: string, body: string | undefined, maxWaitMs: number): Promise<unknown> {
    for (;;) {
      const wait = this.gateMs();
      if (wait > 0) {
        if (wait > maxWaitMs) throw new JupiterError(JupiterCode.RateLimited, `Jupiter ${this.label}: rate limited for another ${wait} ms`, { retry: 'retryable', retryAfterMs: wait, status: 429 });
        maxWaitMs -= wait;
        await this.sleep(wait);
      }
      const r = await this.send(method, path, body);
      if (r.status !== 429) return this.settle(r, path);
      this.rateLimited++;
      const waitMs = rateLimitWaitMs(r.headers, this.o.clock.nowMs()) ?? this.backoffMs();
      this.gateUntilMs = this.o.clock.nowMs() + waitMs;
      if (waitMs > maxWaitMs) throw new JupiterError(JupiterCode.RateLimited, `Jupiter ${this.label}: HTTP 429, retry in ${waitMs} ms`, { retry: 'retryable', retryAfterMs: waitMs, status: 429 });
    }
  }

  private backoffMs(): number {
    const base = Math.min(this.o.maxBackoffMs ?? 30_000, (this.o.initialBackoffMs ?? 1_000) * 2 ** this.backoffAttempt++);
    return base / 2 + this.o.random() * (base / 2);
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    this.requests++;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.o.apiKey) headers['x-api-key'] = this.o.apiKey;
    try {
      const res = await this.pool.request({ method, path: this.prefix + path, headers, body, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (e) {
      throw new JupiterError(JupiterCode.Transport, `Jupiter ${this.label}${path.split('?')[0]}: ${errorMessage(e)}`, { cause: e, retry: 'retryable' });
    }
  }

  private settle(r: { status: number; headers: Record<string, string | string[] | undefined>; text: string }, path: string): unknown {
    const where = `Jupiter ${this.label}${path.split('?')[0]}`;
    let body: unknown;
    try {
      body = r.text === '' ? undefined : (JSON.parse(r.text) as unknown);
    } catch (e) {
      throw new JupiterError(JupiterCode.BadResponse, `${where}: HTTP ${r.status}, body is not JSON`, { cause: e, status: r.status, retry: r.status >= 500 ? 'retryable' : 'non-retryable' });
    }
    if (r.status >= 200 && r.status < 300) {
      this.backoffAttempt = 0;
      const rem = r.headers['x-ratelimit-remaining'];
      this.lastRemaining = rem === undefined ? -1 : Number(Array.isArray(rem) ? rem[0] : rem);
      if (this.lastRemaining === 0) {
        const w = rateLimitWaitMs({ 'x-ratelimit-reset': r.headers['x-ratelimit-reset'] }, this.o.clock.nowMs());
        if (w !== undefined) this.gateUntilMs = this.o.clock.nowMs() + w;
      }
      return body;
    }
    const b = body as { errorCode?: unknown; error?: unknown; message?: unknown } | undefined;
    const msg = `${where}: HTTP ${r.status} ${String(b?.errorCode ?? '')} ${String(b?.error ?? b?.message ?? '')}`.trim();
    if (b?.errorCode === 'COULD_NOT_FIND_ANY_ROUTE' || b?.errorCode === 'NO_ROUTES_FOUND') throw new JupiterError(JupiterCode.NoRoute, msg, { status: r.status, retry: 'retryable' });
    if (r.status >= 500) throw new JupiterError(JupiterCode.Http, msg, { status: r.status, retry: 'retryable' });
    throw new JupiterError(JupiterCode.BadRequest, msg, { status: r.status });
  }
}
