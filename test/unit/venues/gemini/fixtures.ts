import { readFileSync } from 'node:fs';

/** Load a documented payload from test/fixtures/gemini (see its README for provenance). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/gemini/${name}`, import.meta.url), 'utf8'));
}
