/**
 * Asset-wide gates the signal watches between ticks (DESIGN §5, §6):
 * - stale feeds: any required input (every configured CEX venue and DEX route) older than
 *   `stale_pause_ms` → ask for a pause; ask to resume once all are fresh again (the supervisor only
 *   lifts a pause thrown for this reason, never an operator's);
 * - anomaly: a move of the median mid larger than `anomaly_sigma` standard deviations of its own
 *   window-long moves within `anomaly_window_sec` → ask for a pause; ask to resume once the mid has
 *   stayed inside the limit for `anomaly_resume_sec` (0: the pause waits for an operator);
 * - basis: |USD per USDC − 1| beyond `max_basis_bps` (a stablecoin depeg) → ask for a pause; ask to
 *   resume once it has been back inside for `BASIS_RESUME_HOLD_MS`.
 */
export interface GateLimits {
  stale_pause_ms: number;
  anomaly_sigma: number;
  anomaly_window_sec: number;
  anomaly_resume_sec: number;
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

/**
 * "A move larger than `anomaly_sigma` σ within `anomaly_window_sec`" needs σ of window-long moves.
 * Two estimates, the larger wins (a false trip pauses the asset for at least `anomaly_resume_sec`,
 * or until an operator resumes it when that is 0, so the gate errs towards not tripping):
 * - σ per √ms from every consecutive pair of samples (Σr² / Σdt), scaled by the time elapsed: right
 *   for a random walk, too small for a price that moves smoothly (a median of lagged books trends
 *   over seconds, so 250 ms steps understate a minute's move: on the simulator's calm market the
 *   √T-scaled estimate alone tripped a 3 σ gate 10-20 times in 30 minutes);
 * - the root mean square of the window-long moves in the history itself (overlapping), which is
 *   σ at the window's own horizon whatever the autocorrelation.
 * The move is taken against the newest sample at least one window old, by wall time rather than by
 * sample count: a sweep delayed by a GC pause or a starved thread spans more time, and a count-based
 * window would compare a multi-second move with a 250 ms σ.
 */
export class AnomalyGate {
  private readonly mids = new Float64Array(HISTORY);
  private readonly times = new Float64Array(HISTORY);
  private n = 0;
  private lastSampleMs = 0;
  /** The last sample beyond the limit (ms), for the resume hold. */
  private beyondMs = 0;
  tripped = false;
  paused = false;

  /**
   * Feed the current mid (sampled at most every SAMPLE_MS). 'pause' once per crossing of the limit,
   * 'resume' once the mid has stayed inside it for `anomaly_resume_sec` after the last crossing.
   */
  sample(mid: number, nowMs: number, l: GateLimits): 'pause' | 'resume' | null {
    if (!(mid > 0) || nowMs - this.lastSampleMs < SAMPLE_MS) return null;
    const t = this.measure(mid, nowMs, l);
    if (t) {
      this.beyondMs = nowMs;
      if (this.tripped) return null;
      this.tripped = true;
      this.paused = true;
      return 'pause';
    }
    this.tripped = false;
    if (this.paused && l.anomaly_resume_sec > 0 && nowMs - this.beyondMs >= l.anomaly_resume_sec * 1000) {
      this.paused = false;
      return 'resume';
    }
    return null;
  }

  /** Records the sample; true when its move is beyond the limit. */
  private measure(mid: number, nowMs: number, l: GateLimits): boolean {
    this.lastSampleMs = nowMs;
    this.mids[this.n % HISTORY] = mid;
    this.times[this.n % HISTORY] = nowMs;
    this.n++;
    const windowMs = l.anomaly_window_sec * 1000;
    const have = Math.min(this.n, HISTORY);
    const first = this.n - have;
    // Need a history several windows long (and at least 30 s) before a σ means anything.
    if (nowMs - this.times[first % HISTORY]! < Math.max(4 * windowMs, 30_000) || have < 8) return false;
    // One pass, oldest to newest: consecutive steps, and window-long moves (j leads, i trails by
    // at least one window); the newest sample is left out of both so the move under test does not
    // widen its own yardstick.
    let stepSq = 0;
    let stepDt = 0;
    let winSq = 0;
    let winN = 0;
    let i = first;
    for (let j = first + 1; j < this.n - 1; j++) {
      const a = this.mids[j % HISTORY]!;
      const ta = this.times[j % HISTORY]!;
      const b = this.mids[(j - 1) % HISTORY]!;
      const dt = ta - this.times[(j - 1) % HISTORY]!;
      if (a > 0 && b > 0 && dt > 0) {
        const r = Math.log(a / b);
        stepSq += r * r;
        stepDt += dt;
      }
      while (i + 1 < j && ta - this.times[(i + 1) % HISTORY]! >= windowMs) i++;
      if (ta - this.times[i % HISTORY]! >= windowMs) {
        const w = Math.log(a / this.mids[i % HISTORY]!);
        winSq += w * w;
        winN++;
      }
    }
    // Reference: the newest sample at least one window old.
    let k = this.n - 2;
    while (k > first && nowMs - this.times[k % HISTORY]! < windowMs) k--;
    const pastMs = this.times[k % HISTORY]!;
    if (nowMs - pastMs < windowMs || stepDt <= 0) return false;
    const elapsed = nowMs - pastMs;
    const sigmaWalk = Math.sqrt((stepSq / stepDt) * elapsed);
    const sigmaWindow = winN > 0 ? Math.sqrt(winSq / winN) : 0;
    const sigma = Math.max(sigmaWalk, sigmaWindow);
    const move = Math.abs(Math.log(mid / this.mids[k % HISTORY]!));
    return sigma > 0 && move > l.anomaly_sigma * sigma;
  }
}
