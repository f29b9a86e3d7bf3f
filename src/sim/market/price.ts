import type { Rng } from './rng.ts';

/** The fundamental price: a driftless geometric random walk (the -σ²/2 term keeps the mean flat). */
export class Fundamental {
  constructor(
    public price: number,
    private readonly vol_bps_per_sqrt_s: number,
    private readonly rng: Rng,
  ) {}

  step(dt_ms: number): void {
    const sigma = (this.vol_bps_per_sqrt_s / 1e4) * Math.sqrt(dt_ms / 1000);
    this.price *= Math.exp(sigma * this.rng.normal() - (sigma * sigma) / 2);
  }
}

export interface FollowerParams {
  /** Time constant of the exponential lag behind the fundamental. */
  lag_ms: number;
  /** Stationary standard deviation of the venue's own mean-reverting noise, in bps. */
  noise_bps: number;
  /** Mean-reversion time of that noise. */
  noise_tau_ms: number;
}

/** A venue's view of the fundamental: lagged, plus its own Ornstein-Uhlenbeck noise, plus any dislocation. */
export class Follower {
  private lagged: number;
  private noise_bps = 0;

  constructor(
    start: number,
    private readonly p: FollowerParams,
    private readonly rng: Rng,
  ) {
    this.lagged = start;
  }

  step(fundamental: number, dt_ms: number): void {
    const a = this.p.lag_ms <= 0 ? 1 : 1 - Math.exp(-dt_ms / this.p.lag_ms);
    this.lagged += (fundamental - this.lagged) * a;
    const theta = dt_ms / this.p.noise_tau_ms;
    const sd = this.p.noise_bps * Math.sqrt(2 * theta);
    this.noise_bps += -this.noise_bps * theta + sd * this.rng.normal();
  }

  price(offset_bps: number): number {
    return this.lagged * (1 + (this.noise_bps + offset_bps) / 1e4);
  }
}
