import type { Document } from 'mongodb';
import { LIST_SORT, type CursorPosition, type ListName } from '../cursor.ts';
import type { PairFilter, TimeRange } from '../port.ts';

/** Builds a conjunction of conditions; only fields that are set contribute. Pure, unit-tested without a server. */
export class MongoWhere {
  readonly clauses: Document[] = [];

  eq(field: string, value: string | number | boolean | undefined): this {
    if (value !== undefined) this.clauses.push({ [field]: value });
    return this;
  }

  in(field: string, values: readonly string[] | undefined): this {
    if (values !== undefined) this.clauses.push({ [field]: { $in: [...values] } });
    return this;
  }

  pair(q: PairFilter | undefined): this {
    return this.eq('asset', q?.asset).eq('cex_venue', q?.cex_venue).eq('dex_route', q?.dex_route).eq('direction', q?.direction);
  }

  time(field: string, q: TimeRange | undefined): this {
    const range: Document = {};
    if (q?.from_ms !== undefined) range.$gte = q.from_ms;
    if (q?.to_ms !== undefined) range.$lt = q.to_ms;
    if (Object.keys(range).length > 0) this.clauses.push({ [field]: range });
    return this;
  }

  /** Strictly after the cursor in (time desc, key desc) order. */
  after(list: ListName, pos: CursorPosition | null): this {
    if (pos === null) return this;
    const { time, key } = LIST_SORT[list];
    this.clauses.push({ $or: [{ [time]: { $lt: pos.t } }, { [time]: pos.t, [key]: { $lt: pos.k } }] });
    return this;
  }

  add(clause: Document): this {
    this.clauses.push(clause);
    return this;
  }

  filter(): Document {
    if (this.clauses.length === 0) return {};
    return this.clauses.length === 1 ? this.clauses[0] : { $and: this.clauses };
  }
}

export function sortFor(list: ListName): Record<string, -1> {
  const { time, key } = LIST_SORT[list];
  return { [time]: -1, [key]: -1 };
}
