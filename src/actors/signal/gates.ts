/**
 * Asset-wide gates the signal watches between ticks (DESIGN §5, §6):
 * - stale feeds: any required input (every configured CEX venue and DEX route) older than
 *   `stale_pause_ms` → ask for a pause; ask to resume once all are fresh again (the supervisor only
 *   lifts a pause thrown for this reason, never an operator's);
 * - anomaly: a CEX mid move larger than `anomaly_sigma` standard deviations of its own recent
 *   moves, scaled to `anomaly_window_sec` → ask for a pause that stays until an operator resumes;
 * - basis: |USD per USDC − 1| beyond `max_basis_bps` (a stablecoin depeg) → ask for a pause; ask to
 *   resume once it has been back inside for `BASIS_RESUME_HOLD_MS`.
 */
export interface GateLimits {
  stale_pause_ms: number;
  anomaly_sigma: number;
  anomaly_window_sec: number;
}

const SAMPLE_MS = 250;
/** History used for the volatility estimate: 10 minutes of samples. */
const HISTORY = 2_400;

export class StaleGate {
  paused = false;
  constructor(private readonly startedUs: number) {}

  /** `ages`: ms since each required input last updated (Infinity = never). Returns a transition. */
  check(ages: readonly number[], limitMs: number, nowUs: number): 'pause' | 'resume' | null {
    const warm = (nowUs - this.startedUs) / 1000 > limitMs;
    const stale = warm && ages.some((a) => a > limitMs);
    if (stale && !this.paused) {
      this.paused = true;
      return 'pause';
    }
    if (!stale && this.paused) {
      this.paused = false;
      return 'resume';
    }
    return null;
  }
}

/**
 * A basis hovering at its limit would pause and resume the asset on every sweep, an incident each
 * time; it has to stay inside this long first. Trades are refused beyond the limit regardless: the
 * per-tick gate (window reason `basis`) does not wait for the pause.
 */
export const BASIS_RESUME_HOLD_MS = 1_000;

/** Basis in bps from USD per USDC: +12 = 1 USDC buys 1.0012 USD. */
export function basisBps(usdPerUsdc: number): number {
  return (usdPerUsdc - 1) * 1e4;
}

export class BasisGate {
  paused = false;
  private insideSinceMs = -1;

  /**
   * `bps`: the current basis (NaN = not observed yet: the stale gate speaks for it). `assetPaused`:
   * the control block already holds the asset paused (for any reason). A pause thrown for another
   * reason and lifted while the basis is still out (a stale feed that came back) is asked for again.
   */
  check(bps: number, limitBps: number, nowMs: number, assetPaused: boolean): 'pause' | 'resume' | null {
    if (!(bps === bps)) return null;
    if (Math.abs(bps) > limitBps) {
      this.insideSinceMs = -1;
      if (this.paused && assetPaused) return null;
      this.paused = true;
      return 'pause';
    }
    if (!this.paused) return null;
    if (this.insideSinceMs < 0) this.insideSinceMs = nowMs;
    if (nowMs - this.insideSinceMs < BASIS_RESUME_HOLD_MS) return null;
    this.paused = false;
    this.insideSinceMs = -1;
    return 'resume';
  }
}

export class AnomalyGate {
  private readonly mids = new Float64Array(HISTORY);
  private n = 0;
  private lastSampleMs = 0;
  tripped = false;

  /** Feed the current mid at most every SAMPLE_MS; returns true once when the gate trips. */
  sample(mid: number, nowMs: number, l: GateLimits): boolean {
    if (!(mid > 0) || nowMs - this.lastSampleMs < SAMPLE_MS) return false;
    this.lastSampleMs = nowMs;
    this.mids[this.n % HISTORY] = mid;
    this.n++;
    const lag = Math.max(1, Math.round((l.anomaly_window_sec * 1000) / SAMPLE_MS));
    const have = Math.min(this.n, HISTORY);
    // Need a history several windows long before a σ means anything.
    if (have < Math.max(4 * lag, 120)) return false;
    let sum = 0;
    let sq = 0;
    let k = 0;
    for (let i = 1; i < have; i++) {
      const a = this.mids[(this.n - i) % HISTORY]!;
      const b = this.mids[(this.n - i - 1) % HISTORY]!;
      if (!(a > 0 && b > 0)) continue;
      const r = Math.log(a / b);
      sum += r;
      sq += r * r;
      k++;
    }
    if (k < 2) return false;
    const sigma = Math.sqrt(Math.max(0, sq / k - (sum / k) ** 2));
    const past = this.mids[(this.n - 1 - lag) % HISTORY]!;
    const move = Math.abs(Math.log(mid / past));
    // Random-walk scaling: σ over `lag` samples is σ₁·√lag.
    const tripped = sigma > 0 && move > l.anomaly_sigma * sigma * Math.sqrt(lag);
    if (tripped && !this.tripped) {
      this.tripped = true;
      return true;
    }
    if (!tripped) this.tripped = false;
    return false;
  }
}
