/**
 * Coinbase product ids (`BASE-QUOTE`, uppercase).
 *
 * USD/USDC aliasing is explicit: on market-data channels a `-USDC` product returns `-USD` data and
 * ids (cex-protocols.md §0.3); only the `user` channel and orders keep `-USDC`. So a feed subscribes
 * with the market-data id and routes each incoming id to every product that tracks it.
 */
import { CoinbaseError } from './errors.ts';

export interface ProductParts {
  base: string;
  quote: string;
}

export function coinbaseProductId(base: string, quote: string): string {
  return `${base.toUpperCase()}-${quote.toUpperCase()}`;
}

export function parseCoinbaseProductId(id: string): ProductParts {
  const i = id.indexOf('-');
  if (i <= 0 || i === id.length - 1 || id.indexOf('-', i + 1) >= 0) {
    throw new CoinbaseError('coinbase.bad_request', `not a Coinbase product id: ${JSON.stringify(id)}`, {
      retry: 'non-retryable',
      outcome: 'rejected',
    });
  }
  return { base: id.slice(0, i).toUpperCase(), quote: id.slice(i + 1).toUpperCase() };
}

/** The id market-data channels use for a product: `-USDC` → `-USD`, anything else unchanged. */
export function coinbaseMarketDataId(productId: string): string {
  const { base, quote } = parseCoinbaseProductId(productId);
  return quote === 'USDC' ? `${base}-USD` : `${base}-${quote}`;
}

/**
 * Routes incoming market-data ids to the products we track. Tracking both `SOL-USD` and `SOL-USDC`
 * yields one subscription (`SOL-USD`) whose updates feed both books. Lookups return a precomputed
 * array, so routing allocates nothing per message.
 */
export class CoinbaseProductAliases {
  private readonly byWireId = new Map<string, string[]>();

  constructor(products: readonly string[]) {
    for (const p of products) {
      const canonical = coinbaseProductId(parseCoinbaseProductId(p).base, parseCoinbaseProductId(p).quote);
      const wire = coinbaseMarketDataId(canonical);
      const list = this.byWireId.get(wire);
      if (list === undefined) this.byWireId.set(wire, [canonical]);
      else if (!list.includes(canonical)) list.push(canonical);
    }
  }

  /** Product ids to put in the `level2` subscribe message (deduplicated market-data ids). */
  subscribeIds(): string[] {
    return [...this.byWireId.keys()];
  }

  /** Tracked products an incoming market-data id feeds; empty when untracked. */
  targets(wireId: string): readonly string[] {
    return this.byWireId.get(wireId) ?? EMPTY;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);
