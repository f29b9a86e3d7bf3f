import { describe, expect, it } from 'vitest';
import { geminiRestSymbol, geminiSymbol, geminiV2Symbol, splitGeminiSymbol } from '../../../../src/actors/venues/gemini/symbols.ts';

describe('Gemini symbols', () => {
  it('lowercase for REST/order events, uppercase for v2', () => {
    expect(geminiSymbol('SOL', 'USD', 'rest')).toBe('solusd');
    expect(geminiSymbol('sol', 'usdc', 'v2')).toBe('SOLUSDC');
    expect(geminiV2Symbol('btcusd')).toBe('BTCUSD');
    expect(geminiRestSymbol('BTCUSD')).toBe('btcusd');
  });
  it('splits by longest known quote', () => {
    expect(splitGeminiSymbol('solusdc')).toEqual({ base: 'SOL', quote: 'USDC' });
    expect(splitGeminiSymbol('BTCGUSD')).toEqual({ base: 'BTC', quote: 'GUSD' });
    expect(splitGeminiSymbol('batbtc')).toEqual({ base: 'BAT', quote: 'BTC' });
    expect(() => splitGeminiSymbol('usd')).toThrow();
  });
});
