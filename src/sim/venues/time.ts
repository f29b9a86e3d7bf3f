/** RFC 3339 with nanosecond digits, as Coinbase stamps envelopes ("2023-02-09T20:32:50.714964855Z"). */
export function rfc3339Nanos(ms: number, sub_ms_ns = 0): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  const frac = (Math.floor(ms) % 1000) * 1_000_000 + sub_ms_ns;
  return `${iso.slice(0, 19)}.${frac.toString().padStart(9, '0')}Z`;
}

/** Go's time.Time String() form Coinbase puts in heartbeats: "2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105". */
export function goTimeString(ms: number, mono_us: number): string {
  const iso = rfc3339Nanos(ms);
  const mono = (mono_us / 1e6).toFixed(9);
  return `${iso.slice(0, 10)} ${iso.slice(11, 29)} +0000 UTC m=+${mono}`;
}
