/**
 * Fill deltas from the `user` channel. Coinbase sends only *cumulative* quantities per order, no
 * per-fill records (cex-protocols.md §1.5), so the executed size of "this update" is the difference
 * from the last cumulative value seen. Snapshot events set the baseline but never produce a delta:
 * they describe the order's state at subscribe time, and fills before it are reconciled through REST.
 * Exact decimals throughout; a cumulative value that goes *down* breaks an invariant and throws.
 */
import { decCmp, decParse, decSub, decToString, type Dec } from '../../../shared/decimal.ts';
import { CoinbaseError } from './errors.ts';
import type { OrderUpdate } from './parse.ts';

const ZERO: Dec = { units: 0n, scale: 0 };

export class CumulativeFills {
  private readonly seen = new Map<string, Dec>();

  /** Returns the newly executed base size for this update ("0.001"), or undefined when nothing new. */
  observe(order: OrderUpdate, snapshot: boolean): string | undefined {
    const now = decParse(order.filledSize);
    const base = this.seen.get(order.orderId) ?? ZERO;
    const c = decCmp(now, base);
    if (c < 0 && !snapshot) {
      throw new CoinbaseError('coinbase.bad_message', `cumulative_quantity went down for order ${order.orderId}`, {
        retry: 'fatal',
        outcome: 'unknown',
      });
    }
    if (order.terminal) this.seen.delete(order.orderId);
    else this.seen.set(order.orderId, now);
    return snapshot || c <= 0 ? undefined : decToString(decSub(now, base));
  }

  /** Orders still tracked (not yet terminal). */
  get size(): number {
    return this.seen.size;
  }
}
