/**
 * The message kind registry. Ids are wire values: a retired id is never reused, only tombstoned in
 * a comment here. Each kind maps to the plan's event subject, the name used outside the process
 * (logs, the WebSocket API, a future NATS bridge).
 */
export const Kind = {
  BookTop: 1,
  PoolQuote: 2,
  ExecTry: 3,
  ExecResult: 4,
  Opportunity: 5,
  WindowEvent: 6,
  FeedHealth: 7,
  Inventory: 8,
} as const;
export type KindName = keyof typeof Kind;
export type KindId = (typeof Kind)[KindName];

export const SUBJECT: Record<KindName, string> = {
  BookTop: 'cex.bookUpdate',
  PoolQuote: 'dex.poolUpdate',
  ExecTry: 'exec.try',
  ExecResult: 'exec.result',
  Opportunity: 'signal.opportunity',
  WindowEvent: 'signal.window',
  FeedHealth: 'feed.health',
  Inventory: 'inventory.update',
};

/** Header flag bits (u16). Kind-specific meanings are documented on the kind. */
export const Flag = {
  /** BookTop/PoolQuote: the source marked its data stale. */
  Stale: 1 << 0,
  /** BookTop: first record after a (re)snapshot; consumers drop derived state for this venue. */
  Resynced: 1 << 1,
  /** ExecTry: decided while the control block said observe-only: record, never send. */
  ObserveOnly: 1 << 2,
  /** PoolQuote: quoted through the aggregator fallback rather than local pool math. */
  Fallback: 1 << 3,
} as const;
