import { describe, expect, it } from 'vitest';
import { GeminiSequence } from '../../../../src/actors/venues/gemini/sequence.ts';
import { parseGeminiOrderEvents } from '../../../../src/actors/venues/gemini/parse.ts';
import { fixture } from './fixtures.ts';

describe('GeminiSequence', () => {
  it('starts at 0, +1 per message incl. heartbeats; a jump is a gap', () => {
    const s = new GeminiSequence();
    expect(s.observe(0)).toBe('ok');
    expect(s.observe(1)).toBe('ok');
    expect(s.observe(1)).toBe('stale');
    expect(s.observe(5)).toBe('gap');
    expect(s.nextExpected).toBe(6);
    s.reset();
    expect(s.observe(1)).toBe('gap'); // first message after the ack must be 0
    expect(s.gapCount).toBe(2);
  });

  it('feeds from parsed frames: documented heartbeat seq 7 after 0..5 is a gap', () => {
    const s = new GeminiSequence();
    for (let i = 0; i <= 5; i++) expect(s.observe(i)).toBe('ok');
    const hb = parseGeminiOrderEvents(fixture('ws_order_events_heartbeat.json'));
    expect(hb.kind === 'heartbeat' && s.observe(hb.socketSequence)).toBe('gap');
  });
});
