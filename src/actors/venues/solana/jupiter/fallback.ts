import { JupiterCode, JupiterError, type JupiterClient } from './client.ts';
import { pinnedQuote, type PinnedPool } from './route-pin.ts';

/**
 * A PoolQuote ladder through Jupiter, used while a pool's direct state is stale. Every point is a
 * pinned ExactIn quote (one hop through our pool, reference §4), so the numbers mean the same thing as
 * the direct ladder: the sell side sells `size/refMid` base for quote, the buy side spends `size` quote.
 *
 * Rate limits decide how many points we get. Points are asked smallest first, both directions of a
 * size together; the first JUPITER_RATE_LIMITED (a 429, or the client's gate closed by the headers)
 * stops the ladder and the first `points` complete pairs are published — a short ladder still lets
 * the signal trade small sizes, and the sizes it lacks are simply absent. A point Jupiter cannot pin
 * to our pool (or has no route for) is NaN, like an unfillable direct point. A transport error stops
 * the ladder as a rate limit does.
 */
export interface FallbackLadder {
  /** Complete pairs obtained (0 = nothing to publish). */
  points: number;
  /** [baseIn, quoteOut] × points, human units. */
  sell: Float64Array;
  /** [quoteIn, baseOut] × points, human units. */
  buy: Float64Array;
  /** Highest contextSlot of the answers. */
  slot: number;
  mid: number;
  rateLimited: boolean;
  notPinned: number;
  errors: number;
}

export interface FallbackRoute {
  pool: PinnedPool;
  labels: Record<PinnedPool['program'], string>;
  baseMint: string;
  quoteMint: string;
  decBase: number;
  decQuote: number;
}

export function fallbackBuffers(k: number): FallbackLadder {
  return { points: 0, sell: new Float64Array(2 * k), buy: new Float64Array(2 * k), slot: 0, mid: Number.NaN, rateLimited: false, notPinned: 0, errors: 0 };
}

export async function fetchFallbackLadder(client: JupiterClient, r: FallbackRoute, sizesQuote: Float64Array, refMid: number, out: FallbackLadder): Promise<FallbackLadder> {
  out.points = 0;
  out.slot = 0;
  out.rateLimited = false;
  out.notPinned = 0;
  out.errors = 0;
  const sb = 10 ** r.decBase;
  const sq = 10 ** r.decQuote;
  let stop = false;
  const one = async (input: string, output: string, raw: number): Promise<number> => {
    try {
      const q = await pinnedQuote(client, r.pool, { inputMint: input, outputMint: output, amount: BigInt(raw) }, r.labels);
      out.slot = Math.max(out.slot, q.contextSlot);
      return Number(q.outAmount);
    } catch (e) {
      if (!(e instanceof JupiterError)) throw e;
      if (e.code === JupiterCode.NotPinned || e.code === JupiterCode.NoRoute || e.code === JupiterCode.BadRequest) {
        if (e.code === JupiterCode.NotPinned) out.notPinned++;
        else out.errors++;
        return Number.NaN;
      }
      if (e.code === JupiterCode.RateLimited) out.rateLimited = true;
      else out.errors++;
      stop = true;
      return Number.NaN;
    }
  };
  for (let i = 0; i < sizesQuote.length && !stop; i++) {
    const baseRaw = Math.max(1, Math.floor((sizesQuote[i]! / refMid) * sb));
    const quoteRaw = Math.max(1, Math.floor(sizesQuote[i]! * sq));
    const [quoteOut, baseOut] = await Promise.all([one(r.baseMint, r.quoteMint, baseRaw), one(r.quoteMint, r.baseMint, quoteRaw)]);
    if (stop) break; // a half-answered pair is not published
    out.sell[2 * i] = baseRaw / sb;
    out.sell[2 * i + 1] = quoteOut / sq;
    out.buy[2 * i] = quoteRaw / sq;
    out.buy[2 * i + 1] = baseOut / sb;
    out.points = i + 1;
  }
  // Mid from the smallest pair: the sell price is below mid and the buy price above it by about the
  // same fee and impact, so their geometric mean is the pool's mid to first order.
  const sellPx = out.sell[1]! / out.sell[0]!;
  const buyPx = out.buy[0]! / out.buy[1]!;
  out.mid = out.points > 0 && Number.isFinite(sellPx) && Number.isFinite(buyPx) ? Math.sqrt(sellPx * buyPx) : refMid;
  return out;
}
