import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decAdd,
  decCmp,
  decFromNumber,
  decMul,
  decParse,
  decSub,
  decToString,
  decimalToFloat,
  formatPriceCap,
  formatSize,
  normalizeDecimal,
  roundToIncrement,
} from '../../src/shared/decimal.ts';
import { codeOf } from '../helpers/errors.ts';

describe('decimal', () => {
  it('parses and prints exactly', () => {
    expect(normalizeDecimal('0.00100000')).toBe('0.001');
    expect(normalizeDecimal('21921.73')).toBe('21921.73');
    expect(normalizeDecimal('1e-7')).toBe('0.0000001');
    expect(normalizeDecimal('-2.50')).toBe('-2.5');
    expect(normalizeDecimal('.5')).toBe('0.5');
    expect(normalizeDecimal('12e2')).toBe('1200');
    expect(normalizeDecimal('0.00000000')).toBe('0');
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(codeOf(() => decParse('abc'))).toBe('decimal.invalid');
    expect(codeOf(() => decParse(''))).toBe('decimal.invalid');
    expect(codeOf(() => decParse('.'))).toBe('decimal.invalid');
  });

  it('adds without float artefacts', () => {
    expect(decToString(decAdd(decParse('0.1'), decParse('0.2')))).toBe('0.3');
    expect(decToString(decSub(decParse('1'), decParse('0.9')))).toBe('0.1');
    expect(decToString(decMul(decParse('0.014434'), decParse('2877.48')))).toBe('41.53354632');
    expect(decCmp(decParse('1.10'), decParse('1.1'))).toBe(0);
    expect(decCmp(decParse('-1'), decParse('0.5'))).toBe(-1);
  });

  it('recovers the intended decimal from a float64', () => {
    expect(decToString(decFromNumber(0.1 + 0.2))).toBe('0.3');
    expect(decToString(decFromNumber(50000 * 1.001))).toBe('50050');
    expect(decToString(decFromNumber(1e-8))).toBe('0.00000001');
    expect(codeOf(() => decFromNumber(NaN))).toBe('decimal.invalid');
  });

  it('rounds price caps in the safe direction and sizes down', () => {
    expect(formatPriceCap('50000.129', '0.01', 'buy')).toBe('50000.12');
    expect(formatPriceCap('50000.121', '0.01', 'sell')).toBe('50000.13');
    expect(formatPriceCap('50000.12', '0.01', 'sell')).toBe('50000.12');
    expect(formatPriceCap(0.1 + 0.2, '0.01', 'sell')).toBe('0.30'); // not 0.31 from the artefact
    expect(formatPriceCap(2877.4849, '0.05', 'buy')).toBe('2877.45');
    expect(formatPriceCap(2877.4849, '0.05', 'sell')).toBe('2877.50');
    expect(formatSize('0.123456789', '0.00000001')).toBe('0.12345678');
    expect(formatSize(0.0144349, '0.000001')).toBe('0.014434');
    expect(formatSize('5', '1')).toBe('5');
    expect(codeOf(() => formatSize('-1', '0.1'))).toBe('decimal.negative_size');
    expect(codeOf(() => roundToIncrement('1', '0', 'down'))).toBe('decimal.bad_increment');
  });

  it('rounding property: result is a multiple of the increment, on the right side, within one step', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 14n }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom('0.01', '0.00000001', '0.05', '1', '0.25'),
        fc.constantFrom<'down' | 'up'>('down', 'up'),
        (units, scale, inc, mode) => {
          const v = { units, scale };
          const out = decParse(roundToIncrement(v, inc, mode));
          const step = decParse(inc);
          const c = decCmp(out, v);
          expect(mode === 'down' ? c <= 0 : c >= 0).toBe(true);
          const diff = decSub(mode === 'down' ? v : out, mode === 'down' ? out : v);
          expect(decCmp(diff, step)).toBe(-1);
          const s = Math.max(out.scale, step.scale);
          expect((out.units * 10n ** BigInt(s - out.scale)) % (step.units * 10n ** BigInt(s - step.scale))).toBe(0n);
        },
      ),
    );
  });

  it('converts to float for the hot path and rejects garbage', () => {
    expect(decimalToFloat('21921.73')).toBe(21921.73);
    expect(decimalToFloat('0.00000000')).toBe(0);
    expect(codeOf(() => decimalToFloat(''))).toBe('decimal.invalid');
    expect(codeOf(() => decimalToFloat('x'))).toBe('decimal.invalid');
  });
});
