/**
 * A fixed log-bucket latency histogram with no allocation per sample: buckets at 1-2-5 steps from
 * 1 µs to 10 s, plus +Inf. Good enough for p50/p95/p99 to within a bucket and for Prometheus
 * histogram series; exact percentiles come from the benchmark's own sample arrays.
 */
export const BUCKETS_US: readonly number[] = (() => {
  const out: number[] = [];
  for (let e = 0; e <= 6; e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e);
  out.push(1e7);
  return out;
})();

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS_US.length + 1);
  count = 0;
  sumUs = 0;
  maxUs = 0;

  record(us: number): void {
    let i = 0;
    while (i < BUCKETS_US.length && us > BUCKETS_US[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Upper bound of the bucket holding quantile q (0..1), in µs. */
  quantileUs(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return i < BUCKETS_US.length ? BUCKETS_US[i]! : this.maxUs;
    }
    return this.maxUs;
  }

  /** Prometheus histogram series (seconds) under `name`, cumulative buckets. */
  series(name: string, labels = ''): Record<string, number> {
    const out: Record<string, number> = {};
    const l = labels ? `${labels},` : '';
    let cum = 0;
    BUCKETS_US.forEach((b, i) => {
      cum += this.counts[i]!;
      out[`${name}_bucket{${l}le="${b / 1e6}"}`] = cum;
    });
    out[`${name}_bucket{${l}le="+Inf"}`] = this.count;
    out[labels ? `${name}_sum{${labels}}` : `${name}_sum`] = this.sumUs / 1e6;
    out[labels ? `${name}_count{${labels}}` : `${name}_count`] = this.count;
    return out;
  }
}
