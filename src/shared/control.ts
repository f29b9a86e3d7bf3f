import { VENUE_NAMES, type VenueName } from './messages/enums.ts';

/**
 * The control block: the switches every decision reads, in shared memory, so a pause reaches every
 * actor in the time of one `Atomics.load` rather than a message round trip.
 *
 * Layout: one 4-slot Int32 record per scope: [flags, reason, generation, sinceSec]. Scope 0 is
 * global, scopes 1..A are the config's assets in order, then one per venue (`Venue` ids 1..4).
 * Only the supervisor writes; actors read with `Atomics.load` at every decision. The generation is
 * bumped after flags and reason are stored, so a reader that sees a new generation sees its flags.
 */
export const ControlFlag = { paused: 1, observeOnly: 2, killed: 4 } as const;

/** Why a switch was thrown. Stable codes: the API, the console and the store show the names. */
export const ControlReason = {
  none: 0,
  operator: 1,
  staleFeed: 2,
  predictionError: 3,
  anomaly: 4,
  escalation: 5,
  riskCap: 6,
  unhedged: 7,
  /** The USD vs USDC basis is beyond the asset's `max_basis_bps` (a stablecoin depeg). */
  basis: 8,
} as const;
export type ControlReasonName = keyof typeof ControlReason;
const REASON_NAMES = Object.keys(ControlReason) as ControlReasonName[];

const SLOTS = 4;
const FLAGS = 0;
const REASON = 1;
const GEN = 2;
const SINCE = 3;

export interface ScopeState {
  paused: boolean;
  observe_only: boolean;
  killed: boolean;
  reason: ControlReasonName;
  since_sec: number;
}

export type Scope = { kind: 'global' } | { kind: 'asset'; index: number } | { kind: 'venue'; venue: VenueName };

export class ControlBlock {
  readonly i32: Int32Array;
  constructor(
    readonly sab: SharedArrayBuffer,
    readonly assetCount: number,
  ) {
    this.i32 = new Int32Array(sab);
  }

  static create(assetCount: number): ControlBlock {
    return new ControlBlock(new SharedArrayBuffer((1 + assetCount + VENUE_NAMES.length) * SLOTS * 4), assetCount);
  }

  private slot(scope: Scope): number {
    switch (scope.kind) {
      case 'global':
        return 0;
      case 'asset':
        return (1 + scope.index) * SLOTS;
      case 'venue':
        return (1 + this.assetCount + VENUE_NAMES.indexOf(scope.venue)) * SLOTS;
    }
  }

  /**
   * The effective flags for a decision on `asset` (index) using venues `venueIds` (1-based `Venue`
   * ids, at most two: the hot path passes the CEX venue and Solana): the OR of global, asset and
   * venue scopes. No allocation.
   */
  effective(asset: number, venueA = 0, venueB = 0): number {
    let f = Atomics.load(this.i32, FLAGS) | Atomics.load(this.i32, (1 + asset) * SLOTS + FLAGS);
    if (venueA > 0) f |= Atomics.load(this.i32, (this.assetCount + venueA) * SLOTS + FLAGS);
    if (venueB > 0) f |= Atomics.load(this.i32, (this.assetCount + venueB) * SLOTS + FLAGS);
    return f;
  }

  read(scope: Scope): ScopeState {
    const at = this.slot(scope);
    const f = Atomics.load(this.i32, at + FLAGS);
    return {
      paused: (f & ControlFlag.paused) !== 0,
      observe_only: (f & ControlFlag.observeOnly) !== 0,
      killed: (f & ControlFlag.killed) !== 0,
      reason: REASON_NAMES[Atomics.load(this.i32, at + REASON)] ?? 'none',
      since_sec: Atomics.load(this.i32, at + SINCE),
    };
  }

  /** Set or clear `flag` in `scope`. Supervisor only. */
  set(scope: Scope, flag: number, on: boolean, reason: ControlReasonName, nowSec: number): void {
    const at = this.slot(scope);
    const before = Atomics.load(this.i32, at + FLAGS);
    const after = on ? before | flag : before & ~flag;
    Atomics.store(this.i32, at + REASON, after === 0 ? 0 : ControlReason[reason]);
    Atomics.store(this.i32, at + SINCE, nowSec | 0);
    Atomics.store(this.i32, at + FLAGS, after);
    Atomics.add(this.i32, at + GEN, 1);
  }
}
