/**
 * What the executor needs from a venue to trade one leg. CEX legs wrap a venue order client (limit
 * IOC with a price cap); DEX legs wrap a Solana swap (signed before the intent is written, so its
 * signature is durable before it is sent). A leg call never throws for venue trouble: every failure
 * is a result, and only definitive venue evidence is `rejected` — a timeout or a dropped socket is
 * `unknown`, settled later by `reconcile`.
 */
export type LegStatus = 'filled' | 'partial' | 'no_fill' | 'rejected' | 'unknown';

export interface LegRequest {
  tradeKey: string;
  /** Client order id (CEX) derived from the trade key. */
  clientOrderId: string;
  side: 'buy' | 'sell';
  sizeBase: number;
  /** CEX: the IOC limit price. DEX: unused. */
  priceCap: number;
  /** DEX: min quote out when selling base; max quote in when buying `sizeBase` exact-out. */
  limitQuote: number;
}

export interface LegResult {
  status: LegStatus;
  filledBase: number;
  /** Quote per base, fees excluded. */
  avgPrice: number;
  feeQuote: number;
  /** Order id or transaction signature. */
  ref: string | null;
  reason: string | null;
  doneUs: number;
}

export interface Leg {
  readonly venue: string;
  /** Smallest size step the venue accepts (its size increment); 0 = exact. */
  readonly sizeStep?: number;
  /** Reference to persist with the intent before anything is sent (client order id or signature). */
  prepare(r: LegRequest): Promise<string>;
  submit(r: LegRequest): Promise<LegResult>;
  /**
   * Settle an unknown outcome from the venue's own records. `validUntilHeight` (DEX, from the
   * stored intent) lets a restarted process prove that a transaction it never saw can no longer land.
   */
  reconcile(r: LegRequest, ref: string, validUntilHeight?: number): Promise<LegResult>;
  /** DEX: the last block height at which the prepared transaction `ref` can land, to store with the intent. */
  validUntilHeight?(ref: string): number | undefined;
  /**
   * Re-read the venue's records of a finished leg (fills / token balance changes). Throws when they
   * cannot be read: an unread record is never a verification (see `verifyLegs` in trade.ts).
   */
  verify(r: LegRequest, res: LegResult): Promise<LegResult>;
  /** Free balances: base and quote. */
  balances(): Promise<{ base: number; quote: number }>;
  /** The trade's expected PnL, for legs that price their own urgency (a Solana priority fee). */
  expectEdge?(tradeKey: string, pnlQuote: number): void;
  close?(): Promise<void>;
}

/**
 * Recent fill reliability per venue (exponentially weighted). The less reliable leg is dispatched
 * first, so the leg most likely to fail is the one already in flight when the other goes.
 */
export class Reliability {
  private readonly rate = new Map<string, number>();
  constructor(private readonly alpha = 0.2) {}
  observe(venue: string, filled: boolean): void {
    const r = this.rate.get(venue) ?? 0.9;
    this.rate.set(venue, r + this.alpha * ((filled ? 1 : 0) - r));
  }
  of(venue: string): number {
    return this.rate.get(venue) ?? 0.9;
  }
}
