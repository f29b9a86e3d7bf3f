import { readFileSync } from 'node:fs';

/** A fixture file from test/fixtures/<venue>/ (copied from the venue docs; see each folder's README). */
export function fixture(venue: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${venue}/${name}`, import.meta.url), 'utf8'));
}

type Kind = 'null' | 'array' | 'object' | 'boolean' | 'integer' | 'number' | 'string';

function kind(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as Kind;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Differences between what a simulator sent and a documented payload: same keys (exact casing),
 * same JSON types, recursively. Refinements, because the type alone would let a wrong value pass:
 * a fixture integer needs an integer, a fixture decimal string ("21921.73", "1650398122") needs a
 * decimal string. A fixture string containing "…" (the reference's elision) accepts any string;
 * an empty fixture array accepts any array. A fixture array of mixed primitive classes is a tuple
 * (Gemini's ["sell","9160.20","0.19"]) and is compared position by position; otherwise each element
 * is compared with the fixture's first. `extra` lists paths (e.g. `$.order_configuration`) where the
 * fixture README says a member was removed from the documented payload.
 */
export function shapeDiff(actual: unknown, doc: unknown, extra: readonly string[] = [], path = '$'): string[] {
  const ka = kind(actual);
  const kd = kind(doc);
  if (kd === 'number' && ka === 'integer') return [];
  if (ka !== kd) return [`${path}: ${ka} (${JSON.stringify(actual)?.slice(0, 60)}) where the documented payload has ${kd}`];
  if (kd === 'string') {
    const d = doc as string;
    if (!d.includes('…') && DECIMAL.test(d) && !DECIMAL.test(actual as string)) return [`${path}: "${String(actual)}" is not a decimal string like "${d}"`];
    return [];
  }
  if (kd === 'array') {
    const a = actual as unknown[];
    const d = doc as unknown[];
    if (d.length === 0) return [];
    const classes = new Set(d.map((x) => (typeof x === 'string' && DECIMAL.test(x) ? 'decimal' : kind(x))));
    const tuple = d.every((x) => x === null || typeof x !== 'object') && classes.size > 1;
    if (tuple) {
      if (a.length !== d.length) return [`${path}: tuple of ${a.length} where the documented payload has ${d.length}`];
      return a.flatMap((x, i) => shapeDiff(x, d[i], extra, `${path}[${i}]`));
    }
    return a.flatMap((x, i) => shapeDiff(x, d[0], extra, `${path}[${i}]`));
  }
  if (kd === 'object') {
    const a = actual as Record<string, unknown>;
    const d = doc as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(d)) if (!(k in a)) out.push(`${path}.${k}: missing`);
    for (const k of Object.keys(a)) if (!(k in d) && !extra.includes(`${path}.${k}`)) out.push(`${path}.${k}: not in the documented payload`);
    for (const k of Object.keys(d)) if (k in a) out.push(...shapeDiff(a[k], d[k], extra, `${path}.${k}`));
    return out;
  }
  return [];
}
