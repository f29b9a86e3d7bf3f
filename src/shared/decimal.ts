/**
 * Exact decimals for the venue boundary (DESIGN §3). The hot path runs on float64; everything that is
 * sent to a venue (order prices and sizes) or compared for money (fills, balances) goes through here,
 * as a scaled bigint, so "0.1 + 0.2" is "0.3" and an order never carries a float artefact.
 *
 * A `Dec` is `units / 10^scale`. Values are kept as given (no normalisation) so a formatted string
 * keeps the increment's number of decimals; `decToString` trims only when asked.
 */
import { CambistError } from './errors.ts';

export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

/** Rounding direction towards −∞ (`down`) or +∞ (`up`): the only two an order ever needs. */
export type RoundMode = 'down' | 'up';

export class DecimalError extends CambistError {
  constructor(code: string, message: string) {
    super(code, message, { retry: 'non-retryable' });
    this.name = 'DecimalError';
  }
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 40; i++, p *= 10n) POW10.push(p);
function pow10(n: number): bigint {
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

/** Parse a decimal string exactly. Accepts what venues and `Number#toString` produce, incl. `1e-7`. */
export function decParse(s: string): Dec {
  const m = DECIMAL_RE.exec(s.trim());
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw new DecimalError('decimal.invalid', `not a decimal number: ${JSON.stringify(s)}`);
  }
  const frac = m[3] ?? '';
  let units = BigInt((m[2] || '0') + frac);
  let scale = frac.length - (m[4] === undefined ? 0 : Number(m[4]));
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  if (scale > 60) throw new DecimalError('decimal.out_of_range', `too many decimals: ${JSON.stringify(s)}`);
  return { units: m[1] === '-' ? -units : units, scale };
}

/**
 * A float64 to its intended decimal. `String(x)` would keep artefacts of float arithmetic
 * (0.1 + 0.2 → "0.30000000000000004"); 15 significant digits is what a float64 always round-trips, so
 * any value that came from a ≤15-digit decimal is recovered exactly.
 */
export function decFromNumber(x: number, significantDigits = 15): Dec {
  if (!Number.isFinite(x)) throw new DecimalError('decimal.invalid', `not a finite number: ${x}`);
  if (x === 0) return { units: 0n, scale: 0 };
  return decTrim(decParse(x.toPrecision(significantDigits)));
}

export function toDec(v: string | number | Dec): Dec {
  if (typeof v === 'string') return decParse(v);
  if (typeof v === 'number') return decFromNumber(v);
  return v;
}

/** Drop trailing fractional zeros: 0.00100000 → 0.001. */
export function decTrim(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  // Compare scales, not units: zero keeps its units (0n) while its scale shrinks, so "0.000" must still trim to "0".
  return scale === d.scale ? d : { units, scale };
}

/** Same value expressed at a larger scale (exact). */
function rescale(d: Dec, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

export function decCmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s);
  const y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decAdd(a: Dec, b: Dec): Dec {
  const s = Math.max(a.scale, b.scale);
  return { units: rescale(a, s) + rescale(b, s), scale: s };
}

export function decSub(a: Dec, b: Dec): Dec {
  const s = Math.max(a.scale, b.scale);
  return { units: rescale(a, s) - rescale(b, s), scale: s };
}

export function decMul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function decIsZero(d: Dec): boolean {
  return d.units === 0n;
}

/** Exact string out: never exponent notation; `minDecimals` pads (e.g. to a product increment). */
export function decToString(d: Dec, minDecimals = 0): string {
  let t = decTrim(d);
  if (t.scale < minDecimals) t = { units: rescale(t, minDecimals), scale: minDecimals };
  const neg = t.units < 0n;
  const digits = (neg ? -t.units : t.units).toString().padStart(t.scale + 1, '0');
  const int = digits.slice(0, digits.length - t.scale);
  const frac = digits.slice(digits.length - t.scale);
  return (neg ? '-' : '') + int + (t.scale > 0 ? '.' + frac : '');
}

/** Normalise a venue decimal string: "0.00100000" → "0.001", "1e-7" → "0.0000001". */
export function normalizeDecimal(s: string): string {
  return decToString(decParse(s));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * Round to a multiple of `increment` (e.g. "0.01", "0.00000001", "0.05") towards −∞ or +∞ and format
 * with the increment's number of decimals. Exact: no float is involved once the value is a `Dec`.
 */
export function roundToIncrement(value: string | number | Dec, increment: string, mode: RoundMode): string {
  const inc = decParse(increment);
  if (inc.units <= 0n) throw new DecimalError('decimal.bad_increment', `increment must be > 0: ${increment}`);
  const v = toDec(value);
  const s = Math.max(v.scale, inc.scale);
  const x = rescale(v, s);
  const step = rescale(inc, s);
  let q = floorDiv(x, step);
  if (mode === 'up' && q * step !== x) q += 1n;
  return decToString({ units: q * step, scale: s }, inc.scale);
}

/**
 * A limit-price cap for an IOC order, rounded in the safe direction: a buy cap rounds down (never pay
 * more than the cap), a sell cap rounds up (never accept less).
 */
export function formatPriceCap(price: string | number | Dec, increment: string, side: 'buy' | 'sell'): string {
  return roundToIncrement(price, increment, side === 'buy' ? 'down' : 'up');
}

/** An order size: always rounds down, so we never trade more than sized or than inventory holds. */
export function formatSize(size: string | number | Dec, increment: string): string {
  const out = roundToIncrement(size, increment, 'down');
  if (out.startsWith('-')) throw new DecimalError('decimal.negative_size', `size must be >= 0: ${String(size)}`);
  return out;
}

/** Float64 for the hot path; the string must be a plain decimal (venues never send anything else). */
export function decimalToFloat(s: string): number {
  const x = +s;
  // `+""` is 0, so an empty string must be caught explicitly.
  if (x !== x || s.length === 0) throw new DecimalError('decimal.invalid', `not a decimal number: ${JSON.stringify(s)}`);
  return x;
}
