/**
 * Small enumerations carried in messages as integers. `as const` objects, not TS enums, so type
 * stripping works and the values are plain numbers on the wire.
 */
export const Venue = { coinbase: 1, gemini: 2, bitstamp: 3, solana: 4 } as const;
export type VenueName = keyof typeof Venue;
export const VENUE_NAMES: readonly VenueName[] = ['coinbase', 'gemini', 'bitstamp', 'solana'];
export function venueName(id: number): VenueName | 'unknown' {
  return VENUE_NAMES[id - 1] ?? 'unknown';
}

/**
 * Pseudo asset index in the `asset` field of BookTop and FeedHealth: not one of the config's assets
 * but the USD vs USDC basis book (USDC priced in USD, e.g. Bitstamp `usdcusd`), fanned out to every
 * signal that converts DEX USDC amounts into CEX USD. (0xffff in FeedHealth = the whole connection.)
 */
export const BASIS_ASSET = 0xfffe;

export const Direction = { buyCexSellDex: 1, buyDexSellCex: 2 } as const;

export const QuoteSource = { direct: 0, jupiter: 1 } as const;

export const FeedState = { connecting: 0, live: 1, stale: 2, resyncing: 3, down: 4 } as const;

export const WindowEventType = { open: 1, extend: 2, close: 3 } as const;

/** Why a signal did not become a trade (DESIGN §5 windows). 0 = traded / not applicable. */
export const Reason = {
  none: 0,
  belowThreshold: 1,
  belowSize: 2,
  stale: 3,
  paused: 4,
  risk: 5,
  inventory: 6,
  inFlight: 7,
  observeOnly: 8,
  killed: 9,
  basis: 10,
} as const;

export const Outcome = {
  filled: 1,
  partial: 2,
  failedLeg: 3,
  rejected: 4,
  unknown: 5,
  hedged: 6,
  unhedged: 7,
  observeOnly: 8,
  verified: 9,
  /**
   * Not a trade outcome: an executor incarnation finished startup recovery. Every trade a previous
   * incarnation took is settled (its result was published before this) or was never recorded, so
   * the signal may release every window still waiting. Sent to the signal only, never recorded.
   */
  restarted: 10,
} as const;
