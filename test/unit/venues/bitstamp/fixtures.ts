import { readFileSync } from 'node:fs';

/** Load a documented payload from test/fixtures/bitstamp (see its README for provenance). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/bitstamp/${name}`, import.meta.url), 'utf8'));
}
