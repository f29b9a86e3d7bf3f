/**
 * The per-asset risk capsule (DESIGN §6), pure: daily notional, trade count and loss caps; the
 * prediction-error gate (a realised PnL short of the prediction by more than `pnl_error_gate_pct`
 * of notional, 3 times in 10 minutes → observe-only); unhedged exposure measured in notional ×
 * seconds, which trips the kill switch past its limit. Days roll over at 00:00 UTC.
 *
 * The gate counts shortfalls only, not |realised − predicted| as DESIGN §6 words it: the signal
 * predicts conservatively on purpose (the slippage haircut, chord interpolation of the pool curve),
 * so a good trade beats its prediction by about the haircut, and a two-sided gate stops trading
 * after three good trades. What the gate is for — trading edge that is not there — is a shortfall.
 */
export interface RiskLimits {
  max_daily_loss_abs: number;
  max_daily_notional_quote: number;
  max_daily_trades: number;
  pnl_error_gate_pct: number;
  /** Unhedged exposure limit, quote × seconds. */
  max_unhedged_quote_sec: number;
}

const DAY_MS = 86_400_000;
const ERROR_WINDOW_MS = 600_000;
const ERROR_STRIKES = 3;

export class RiskCapsule {
  private day = -1;
  notionalToday = 0;
  tradesToday = 0;
  pnlToday = 0;
  private readonly errorTimes: number[] = [];
  /** Open unhedged notional (quote) and the accumulated quote × seconds. */
  unhedgedQuote = 0;
  unhedgedQuoteSec = 0;
  private lastExposureMs = 0;

  constructor(private limits: RiskLimits) {}

  setLimits(l: RiskLimits): void {
    this.limits = l;
  }

  private roll(nowMs: number): void {
    const d = Math.floor(nowMs / DAY_MS);
    if (d !== this.day) {
      this.day = d;
      this.notionalToday = 0;
      this.tradesToday = 0;
      this.pnlToday = 0;
    }
  }

  /**
   * Crash-only: the day's counters live in the store, not in this object. After a restart the
   * executor restores them from today's trades, so a crash loop can never reset a daily cap.
   */
  restoreDay(nowMs: number, day: { notional: number; trades: number; pnl: number }): void {
    this.roll(nowMs);
    this.notionalToday = day.notional;
    this.tradesToday = day.trades;
    this.pnlToday = day.pnl;
  }

  /** Why a trade of `notional` may not go now, or null. */
  check(notional: number, nowMs: number): string | null {
    this.roll(nowMs);
    const l = this.limits;
    if (this.pnlToday <= -l.max_daily_loss_abs) return `daily loss ${(-this.pnlToday).toFixed(2)} reached the cap ${l.max_daily_loss_abs}`;
    if (this.tradesToday >= l.max_daily_trades) return `daily trade count ${this.tradesToday} reached the cap ${l.max_daily_trades}`;
    if (this.notionalToday + notional > l.max_daily_notional_quote) return `daily notional would exceed ${l.max_daily_notional_quote}`;
    return null;
  }

  /** Count a trade as sent (before its result, so concurrent attempts see it). */
  onSent(notional: number, nowMs: number): void {
    this.roll(nowMs);
    this.notionalToday += notional;
    this.tradesToday++;
  }

  /**
   * Record a finished trade. Returns 'observe_only' when the prediction-error gate trips. Only a
   * trade whose legs both filled (`bothFilled`) tests the prediction: a failed or hedged leg is an
   * execution failure — counted by the partial rate, bounded by the hedge and the unhedged-exposure
   * limit — not evidence that the pricing model is off.
   */
  onResult(predicted: number, realised: number, notional: number, nowMs: number, bothFilled = true): 'observe_only' | null {
    this.roll(nowMs);
    this.pnlToday += realised;
    if (notional <= 0 || !bothFilled) return null;
    const errPct = ((predicted - realised) / notional) * 100;
    if (errPct <= this.limits.pnl_error_gate_pct) return null;
    this.errorTimes.push(nowMs);
    while (this.errorTimes.length > 0 && nowMs - this.errorTimes[0]! > ERROR_WINDOW_MS) this.errorTimes.shift();
    return this.errorTimes.length >= ERROR_STRIKES ? 'observe_only' : null;
  }

  /** Exposure changes (a leg left unhedged, or later flattened). Returns 'kill' past the limit. */
  setUnhedged(quote: number, nowMs: number): 'kill' | null {
    this.accrue(nowMs);
    this.unhedgedQuote = Math.max(0, quote);
    return this.unhedgedQuoteSec > this.limits.max_unhedged_quote_sec ? 'kill' : null;
  }

  /** Accrue exposure time; call periodically. Returns 'kill' past the limit. */
  tick(nowMs: number): 'kill' | null {
    this.accrue(nowMs);
    return this.unhedgedQuoteSec > this.limits.max_unhedged_quote_sec ? 'kill' : null;
  }

  private accrue(nowMs: number): void {
    if (this.lastExposureMs > 0) this.unhedgedQuoteSec += (this.unhedgedQuote * Math.max(0, nowMs - this.lastExposureMs)) / 1000;
    this.lastExposureMs = nowMs;
  }
}
