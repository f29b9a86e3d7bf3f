import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueFaults } from '../../faults.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { type HttpWsServer, listenHttpWs, readBody, sendJson } from '../../net/server.ts';
import { ERROR_SHAPES, withRestFaults } from '../../net/rest-faults.ts';
import type { SolanaChain } from '../solana/chain.ts';
import { isPubkey } from '../solana/keys.ts';
import { PROGRAM_LABELS, type QuoteRequest, quotePools, quoteResponse } from './quote.ts';
import { SwapBuildError, type SwapRequest, buildSwap } from './swap.ts';

export interface JupiterServerOptions {
  chain: SolanaChain;
  scheduler: Scheduler;
  faults: VenueFaults;
  port?: number;
  /** Requests per 60 s window advertised in the rate-limit headers (Jupiter's keyless tier: 0.5 RPS). */
  rate_limit_per_window?: number;
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
  ) {
    super(message);
  }
}

function parseQuote(u: URL): QuoteRequest {
  const q = u.searchParams;
  const req = (name: string): string => {
    const v = q.get(name);
    if (v === null || v === '') throw new BadRequest(`Query parameter ${name} is required`, 'INVALID_REQUEST');
    return v;
  };
  const inputMint = req('inputMint');
  const outputMint = req('outputMint');
  if (!isPubkey(inputMint) || !isPubkey(outputMint)) throw new BadRequest('Query parameter inputMint/outputMint is not a valid Pubkey', 'INVALID_REQUEST');
  if (inputMint === outputMint) throw new BadRequest('inputMint cannot be same as outputMint', 'CIRCULAR_ARBITRAGE_IS_DISABLED');
  const amountText = req('amount');
  if (!/^\d+$/.test(amountText) || BigInt(amountText) === 0n || BigInt(amountText) >= 1n << 64n) {
    throw new BadRequest(`Query parameter amount cannot be parsed: ${amountText}`, 'INVALID_REQUEST');
  }
  const slippage = q.get('slippageBps') ?? '50';
  if (!/^\d+$/.test(slippage) || Number(slippage) > 10_000) throw new BadRequest('Query parameter slippageBps cannot be parsed', 'INVALID_REQUEST');
  const mode = q.get('swapMode') ?? 'ExactIn';
  if (mode !== 'ExactIn' && mode !== 'ExactOut') throw new BadRequest(`Query parameter swapMode must be ExactIn or ExactOut`, 'INVALID_REQUEST');
  const list = (name: string): string[] | undefined => q.get(name)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  // onlyDirectRoutes changes nothing here: every simulated route is a single hop through one pool.
  return { inputMint, outputMint, amount: BigInt(amountText), slippageBps: Number(slippage), exactIn: mode === 'ExactIn', dexes: list('dexes'), excludeDexes: list('excludeDexes') };
}

function parseSwapBody(body: unknown): SwapRequest {
  const b = body as Record<string, unknown> | null;
  if (b === null || typeof b !== 'object') throw new BadRequest('body must be a JSON object', 'INVALID_REQUEST');
  const quote = b.quoteResponse as SwapRequest['quote'] | undefined;
  if (quote === undefined || typeof quote !== 'object' || !Array.isArray(quote.routePlan)) throw new BadRequest('quoteResponse is required', 'INVALID_REQUEST');
  if (!isPubkey(b.userPublicKey)) throw new BadRequest('userPublicKey is required and must be a valid Pubkey', 'INVALID_REQUEST');
  const pf = b.prioritizationFeeLamports as unknown;
  let priorityLamports: bigint | undefined;
  if (typeof pf === 'number') priorityLamports = BigInt(Math.floor(pf));
  else if (pf !== null && typeof pf === 'object' && 'priorityLevelWithMaxLamports' in pf) {
    const m = (pf as { priorityLevelWithMaxLamports: { maxLamports?: number } }).priorityLevelWithMaxLamports.maxLamports;
    priorityLamports = m === undefined ? undefined : BigInt(Math.floor(m));
  }
  const cu = b.computeUnitPriceMicroLamports;
  return {
    quote,
    user: b.userPublicKey,
    wrapAndUnwrapSol: b.wrapAndUnwrapSol !== false,
    asLegacyTransaction: b.asLegacyTransaction === true,
    dynamicComputeUnitLimit: b.dynamicComputeUnitLimit === true,
    priorityLamports,
    computeUnitPriceMicroLamports: typeof cu === 'number' ? BigInt(Math.floor(cu)) : undefined,
  };
}

/**
 * Jupiter Metis Swap API v1 on loopback: GET /quote, POST /swap, GET /program-id-to-label, under `/`,
 * `/swap/v1/` (api.jup.ag, lite-api.jup.ag) and `/v6/` (quote-api.jup.ag). Routes are single hops
 * through the simulated pools. Faults: `rate_limit` (429 + x-ratelimit-* headers, for `count`
 * requests or for `duration_ms`), `delay` (every answer waits `delay_ms`).
 */
export async function startJupiterServer(o: JupiterServerOptions): Promise<HttpWsServer> {
  const limit = o.rate_limit_per_window ?? 30;
  let windowStart = o.scheduler.clock.nowMs();
  let used = 0;
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const now = o.scheduler.clock.nowMs();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    used++;
    const reset = Math.ceil((windowStart + 60_000) / 1000).toString();
    const rl = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(Math.max(0, limit - used)), 'x-ratelimit-current': String(used), 'x-ratelimit-reset': reset, ...headers };
    const delay = o.faults.delay_ms;
    if (delay > 0) o.scheduler.after(delay, () => sendJson(res, status, body, rl));
    else sendJson(res, status, body, rl);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname.replace(/^\/(swap\/v1|v6)(?=\/)/, '');
    if (o.faults.take('rate_limit') || o.scheduler.clock.nowMs() < o.faults.rate_limited_until_ms) {
      return answer(res, 429, { code: 429, message: 'Too Many Requests' }, { 'x-ratelimit-remaining': '0', 'retry-after': '1' });
    }
    try {
      if (req.method === 'GET' && path === '/program-id-to-label') return answer(res, 200, PROGRAM_LABELS);
      if (req.method === 'GET' && path === '/quote') {
        const t0 = o.scheduler.clock.monoUs();
        const r = parseQuote(u);
        const routes = quotePools(o.chain, r);
        const body = quoteResponse(o.chain, r, routes, (o.scheduler.clock.monoUs() - t0) / 1e6);
        if (body === undefined) return answer(res, 400, { error: 'Could not find any route', errorCode: 'COULD_NOT_FIND_ANY_ROUTE' });
        return answer(res, 200, body);
      }
      if (req.method === 'POST' && (path === '/swap' || path === '/')) {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch (e) {
          throw new BadRequest(`Failed to deserialize the JSON body: ${e instanceof Error ? e.message : String(e)}`, 'INVALID_REQUEST');
        }
        const built = buildSwap(o.chain, parseSwapBody(body));
        return answer(res, 200, {
          swapTransaction: built.tx,
          lastValidBlockHeight: built.lastValidBlockHeight,
          prioritizationFeeLamports: Number(built.priorityLamports),
          computeUnitLimit: built.computeUnitLimit,
          prioritizationType: { computeBudget: { microLamports: Number(built.microLamports), estimatedMicroLamports: Number(built.microLamports) } },
          dynamicSlippageReport: null,
          simulationError: null,
        });
      }
      return answer(res, 404, { error: `Route ${req.method ?? ''} ${u.pathname} not found` });
    } catch (e) {
      if (e instanceof BadRequest) return answer(res, 400, { error: e.message, errorCode: e.errorCode });
      if (e instanceof SwapBuildError) return answer(res, 400, { error: e.message, errorCode: 'INVALID_REQUEST' });
      throw e;
    }
  };
  return listenHttpWs({
    port: o.port,
    wsPaths: [],
    onSocket: (ws) => ws.close(),
    // Jupiter answers its own counted 429s (with its rate-limit headers); the wrapper adds latency, rates and 5xx.
    onRequest: withRestFaults(o.faults, o.scheduler, ERROR_SHAPES.jupiter, (req, res) => {
      handle(req, res).catch((e: unknown) => sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }));
    }, false),
  });
}
