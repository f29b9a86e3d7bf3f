// The MongoDB adapter of the Store port. One class over ~400 lines on purpose: writeBatch spans every
// table in one transaction, and keeping all writers in one file keeps that boundary visible.
import { MongoClient, type ClientSession, type Collection, type Db, type Document } from 'mongodb';
import type { z } from 'zod';
import { decodeCursor, toPage, type ListName } from '../cursor.ts';
import { StoreError } from '../errors.ts';
import type {
  AuditQuery, BatchCounts, IncidentQuery, OpportunityQuery, Page, RetentionCounts, RetentionOptions, Store,
  StoreBatch, TradeQuery, WindowQuery,
} from '../port.ts';
import {
  TERMINAL_TRADE_STATES, auditEntrySchema, auditInputSchema, configInputSchema, configVersionSchema,
  incidentPatchSchema, incidentSchema, inventorySnapshotSchema, opportunitySchema, tradePatchSchema, tradeSchema,
  windowSchema, type AuditEntry, type AuditInput, type ConfigInput, type ConfigVersion, type Incident,
  type IncidentPatch, type InventorySnapshot, type Opportunity, type TradePatch, type TradeRecord, type TradeState,
  type WindowRecord,
} from '../records.ts';
import { sortableId } from '../sortable-id.ts';
import {
  batchCounts, checkTimeRange, pageLimit, parseBatch, parseRecord, parseRecords, requireKey, retentionCutoffs, stateList,
} from '../validate.ts';
import { isDuplicateKey, mapMongoError } from './errors.ts';
import { ensureIndexes, type CollectionName } from './indexes.ts';
import { MongoWhere, sortFor } from './query.ts';

export interface MongoStoreOptions {
  url: string;
  /** Defaults to the database named in the URL (the driver's `test` when it names none). */
  dbName?: string;
  serverSelectionTimeoutMs?: number;
}

const NO_ID = { projection: { _id: 0 } } as const;
const CONFIG_PUT_ATTEMPTS = 5;

/** A document read back is validated like input: another build or a hand edit may have written it. */
function fromDoc<S extends z.ZodType>(schema: S, doc: Document, what: string): z.infer<S> {
  const r = schema.safeParse(doc);
  if (!r.success) throw new StoreError('STORE_CORRUPT', `stored ${what} does not match its schema`, { cause: r.error });
  return r.data;
}

// Audit before/after are arbitrary JSON; kept as JSON text so keys such as "$set" or "a.b" in a
// config diff cannot collide with BSON/field-path rules.
function auditToDoc(a: AuditEntry): Document {
  const { before, after, ...rest } = a;
  return { ...rest, before_json: before === null ? null : JSON.stringify(before), after_json: after === null ? null : JSON.stringify(after) };
}
function auditFromDoc(d: Document): AuditEntry {
  const { before_json, after_json, ...rest } = d;
  const parse = (v: unknown) => (v === null || v === undefined ? null : (JSON.parse(String(v)) as unknown));
  return fromDoc(auditEntrySchema, { ...rest, before: parse(before_json), after: parse(after_json) }, 'audit entry');
}

function tradeSet(p: TradePatch): Document {
  const set: Document = { updated_ts_ms: p.updated_ts_ms };
  if (p.state !== undefined) set.state = p.state;
  if (p.legs !== undefined) set.legs = p.legs;
  if (p.realised_pnl_quote !== undefined) set.realised_pnl_quote = p.realised_pnl_quote;
  if (p.reason !== undefined) set.reason = p.reason;
  return set;
}

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  #client: MongoClient | null;
  readonly #db: Db;

  private constructor(client: MongoClient, db: Db) {
    this.#client = client;
    this.#db = db;
  }

  static async open(opts: MongoStoreOptions): Promise<MongoStore> {
    const client = new MongoClient(opts.url, {
      serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5_000,
      // Majority + journal: an acknowledged intent survives the primary dying, the Mongo analogue of
      // SQLite's synchronous=FULL (see sqlite/adapter.ts).
      writeConcern: { w: 'majority', journal: true },
      ignoreUndefined: true,
    });
    try {
      await client.connect();
      const db = client.db(opts.dbName);
      const hello = await db.admin().command({ hello: 1 });
      if (typeof hello.setName !== 'string' && hello.msg !== 'isdbgrid') {
        throw new StoreError(
          'STORE_MISCONFIGURED',
          'MongoDB is a standalone server: writeBatch needs multi-document transactions, which need a replica set ' +
            '(a single node is enough: mongod --replSet rs0, then rs.initiate())',
        );
      }
      await ensureIndexes(db);
      return new MongoStore(client, db);
    } catch (e) {
      await client.close();
      const mapped = mapMongoError(e);
      // At open, an unclassified failure (bad URL, odd server reply) is reported as the store being
      // unavailable, with the driver's error as the cause.
      throw mapped.code === 'STORE_INTERNAL' ? new StoreError('STORE_UNAVAILABLE', `cannot open MongoDB store: ${mapped.message}`, { cause: e }) : mapped;
    }
  }

  async #run<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.#client === null) throw new StoreError('STORE_CLOSED', 'MongoDB store is closed');
    try {
      return await fn(this.#db);
    } catch (e) {
      throw mapMongoError(e);
    }
  }

  #col(name: CollectionName): Collection<Document> {
    return this.#db.collection(name);
  }

  /** One multi-document transaction; withTransaction re-runs `fn` on transient errors, so `fn` only writes. */
  async #txn<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    if (this.#client === null) throw new StoreError('STORE_CLOSED', 'MongoDB store is closed');
    const session = this.#client.startSession();
    try {
      return await session.withTransaction(() => fn(session), { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority', journal: true } });
    } finally {
      await session.endSession();
    }
  }

  async #page<T>(list: ListName, w: MongoWhere, q: { cursor?: string; limit?: number } | undefined,
    map: (d: Document) => T, pos: (t: T) => { t: number; k: string }): Promise<Page<T>> {
    const limit = pageLimit(q);
    w.after(list, q?.cursor === undefined ? null : decodeCursor(list, q.cursor));
    const docs = await this.#col(list).find(w.filter(), NO_ID).sort(sortFor(list)).limit(limit + 1).toArray();
    return toPage(list, docs.map(map), limit, pos);
  }

  // --- opportunities / windows ---------------------------------------------------------------

  async #insertOpportunities(rows: readonly Opportunity[], session?: ClientSession): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.#col('opportunities').bulkWrite(
      rows.map((o) => ({ updateOne: { filter: { id: o.id }, update: { $setOnInsert: o }, upsert: true } })),
      { session, ordered: true },
    );
    return r.upsertedCount;
  }

  insertOpportunities(batch: readonly Opportunity[]): Promise<number> {
    return this.#run(async () => {
      const rows = parseRecords(opportunitySchema, batch, 'opportunity');
      return this.#txn((s) => this.#insertOpportunities(rows, s));
    });
  }

  listOpportunities(q?: OpportunityQuery): Promise<Page<Opportunity>> {
    return this.#run(async () => {
      checkTimeRange(q);
      const w = new MongoWhere().pair(q).eq('window_id', q?.window_id).eq('traded', q?.traded).time('ts_ms', q);
      return this.#page('opportunities', w, q, (d) => fromDoc(opportunitySchema, d, 'opportunity'), (o) => ({ t: o.ts_ms, k: o.id }));
    });
  }

  async #upsertWindows(rows: readonly WindowRecord[], session?: ClientSession): Promise<void> {
    if (rows.length === 0) return;
    await this.#col('windows').bulkWrite(
      rows.map((w) => ({ replaceOne: { filter: { window_id: w.window_id }, replacement: w, upsert: true } })),
      { session, ordered: true },
    );
  }

  upsertWindows(batch: readonly WindowRecord[]): Promise<void> {
    return this.#run(async () => {
      const rows = parseRecords(windowSchema, batch, 'window');
      await this.#txn((s) => this.#upsertWindows(rows, s));
    });
  }

  listWindows(q?: WindowQuery): Promise<Page<WindowRecord>> {
    return this.#run(async () => {
      checkTimeRange(q);
      const w = new MongoWhere().pair(q).eq('state', q?.state).time('opened_ts_ms', q);
      return this.#page('windows', w, q, (d) => fromDoc(windowSchema, d, 'window'), (x) => ({ t: x.opened_ts_ms, k: x.window_id }));
    });
  }

  openWindowsFor(asset: string): Promise<WindowRecord[]> {
    return this.#run(async () => {
      const docs = await this.#col('windows').find({ asset: requireKey(asset, 'asset'), state: 'open' }, NO_ID)
        .sort({ opened_ts_ms: 1, window_id: 1 }).toArray();
      return docs.map((d) => fromDoc(windowSchema, d, 'window'));
    });
  }

  // --- trades --------------------------------------------------------------------------------

  async #insertTrades(rows: readonly TradeRecord[], session?: ClientSession): Promise<void> {
    if (rows.length === 0) return;
    try {
      // Copies: the driver writes `_id` into the objects it inserts.
      await this.#col('trades').insertMany(rows.map((t) => ({ ...t })), { session, ordered: true });
    } catch (e) {
      if (isDuplicateKey(e)) {
        throw new StoreError('STORE_DUPLICATE_TRADE_KEY', `a trade key in ${rows.map((t) => t.trade_key).join(', ')} already has an intent`, { cause: e });
      }
      throw e;
    }
  }

  async #updateTrade(key: string, patch: TradePatch, ifState: TradeState | undefined, session?: ClientSession): Promise<TradeRecord> {
    const filter: Document = ifState === undefined ? { trade_key: key } : { trade_key: key, state: ifState };
    const doc = await this.#col('trades').findOneAndUpdate(filter, { $set: tradeSet(patch) }, { ...NO_ID, returnDocument: 'after', session });
    if (doc !== null) return fromDoc(tradeSchema, doc, 'trade');
    const cur = await this.#col('trades').findOne({ trade_key: key }, { ...NO_ID, session });
    if (cur === null) throw new StoreError('STORE_NOT_FOUND', `no trade with key ${key}`);
    throw new StoreError('STORE_CONFLICT', `trade ${key} is ${String(cur.state)}, expected ${String(ifState)}`);
  }

  insertTradeIntent(trade: TradeRecord): Promise<void> {
    return this.#run(() => this.#insertTrades([parseRecord(tradeSchema, trade, 'trade')]));
  }

  updateTrade(trade_key: string, patch: TradePatch, opts?: { if_state?: TradeState }): Promise<TradeRecord> {
    return this.#run(() =>
      this.#updateTrade(requireKey(trade_key, 'trade_key'), parseRecord(tradePatchSchema, patch, 'trade patch'), opts?.if_state),
    );
  }

  getTrade(trade_key: string): Promise<TradeRecord | null> {
    return this.#run(async () => {
      const doc = await this.#col('trades').findOne({ trade_key: requireKey(trade_key, 'trade_key') }, NO_ID);
      return doc === null ? null : fromDoc(tradeSchema, doc, 'trade');
    });
  }

  listTrades(q?: TradeQuery): Promise<Page<TradeRecord>> {
    return this.#run(async () => {
      checkTimeRange(q);
      const w = new MongoWhere().pair(q).eq('window_id', q?.window_id).in('state', stateList(q?.state)).time('created_ts_ms', q);
      return this.#page('trades', w, q, (d) => fromDoc(tradeSchema, d, 'trade'), (t) => ({ t: t.created_ts_ms, k: t.trade_key }));
    });
  }

  // --- batch ---------------------------------------------------------------------------------

  writeBatch(batch: StoreBatch): Promise<BatchCounts> {
    return this.#run(async () => {
      const b = parseBatch(batch);
      await this.#txn(async (s) => {
        // Sequential on purpose: operations of one session must not run concurrently.
        await this.#insertOpportunities(b.opportunities, s);
        await this.#upsertWindows(b.windows, s);
        await this.#insertTrades(b.trades, s);
        for (const u of b.trade_updates) await this.#updateTrade(u.key, u.patch, undefined, s);
        await this.#insertInventory(b.inventory, s);
        if (b.audit.length > 0) await this.#col('audit_log').insertMany(b.audit.map((a) => auditToDoc({ id: sortableId(a.ts_ms), ...a })), { session: s });
      });
      return batchCounts(b);
    });
  }

  // --- audit / incidents ---------------------------------------------------------------------

  appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.#run(async () => {
      const a = parseRecord(auditInputSchema, entry, 'audit entry');
      const full: AuditEntry = { id: sortableId(a.ts_ms), ...a };
      await this.#col('audit_log').insertOne(auditToDoc(full));
      return full;
    });
  }

  listAudit(q?: AuditQuery): Promise<Page<AuditEntry>> {
    return this.#run(async () => {
      checkTimeRange(q);
      const w = new MongoWhere().eq('actor', q?.actor).eq('action', q?.action).eq('target', q?.target).time('ts_ms', q);
      return this.#page('audit_log', w, q, auditFromDoc, (a) => ({ t: a.ts_ms, k: a.id }));
    });
  }

  insertIncident(incident: Incident): Promise<void> {
    return this.#run(async () => {
      const i = parseRecord(incidentSchema, incident, 'incident');
      try {
        await this.#col('incidents').insertOne({ ...i });
      } catch (e) {
        if (isDuplicateKey(e)) throw new StoreError('STORE_CONFLICT', `incident ${i.id} already exists`, { cause: e });
        throw e;
      }
    });
  }

  updateIncident(id: string, patch: IncidentPatch): Promise<Incident> {
    return this.#run(async () => {
      const key = requireKey(id, 'incident id');
      const p = parseRecord(incidentPatchSchema, patch, 'incident patch');
      const update: Document = {};
      const set: Document = {};
      if (p.reason !== undefined) set.reason = p.reason;
      if (p.resolved_ts_ms !== undefined) set.resolved_ts_ms = p.resolved_ts_ms;
      if (Object.keys(set).length > 0) update.$set = set;
      // $push keeps concurrent appends from two actors; read-modify-write would drop one.
      if (p.append_timeline !== undefined && p.append_timeline.length > 0) update.$push = { timeline: { $each: p.append_timeline } };
      const doc = Object.keys(update).length === 0
        ? await this.#col('incidents').findOne({ id: key }, NO_ID)
        : await this.#col('incidents').findOneAndUpdate({ id: key }, update, { ...NO_ID, returnDocument: 'after' });
      if (doc === null) throw new StoreError('STORE_NOT_FOUND', `no incident with id ${key}`);
      return fromDoc(incidentSchema, doc, 'incident');
    });
  }

  getIncident(id: string): Promise<Incident | null> {
    return this.#run(async () => {
      const doc = await this.#col('incidents').findOne({ id: requireKey(id, 'incident id') }, NO_ID);
      return doc === null ? null : fromDoc(incidentSchema, doc, 'incident');
    });
  }

  listIncidents(q?: IncidentQuery): Promise<Page<Incident>> {
    return this.#run(async () => {
      checkTimeRange(q);
      const w = new MongoWhere().eq('kind', q?.kind).time('ts_ms', q);
      if (q?.open_only === true) w.add({ resolved_ts_ms: null });
      return this.#page('incidents', w, q, (d) => fromDoc(incidentSchema, d, 'incident'), (i) => ({ t: i.ts_ms, k: i.id }));
    });
  }

  // --- configs / inventory -------------------------------------------------------------------

  putConfig(input: ConfigInput): Promise<ConfigVersion> {
    return this.#run(async () => {
      const c = parseRecord(configInputSchema, input, 'config');
      // Optimistic: read the top version, insert the next; the unique (asset, version) index makes
      // a racing writer fail with E11000, and it tries again on the new top.
      for (let attempt = 1; ; attempt++) {
        const top = await this.#col('configs').findOne({ asset: c.asset }, { ...NO_ID, sort: { version: -1 } });
        const row: ConfigVersion = { ...c, version: (top === null ? 0 : Number(top.version)) + 1 };
        try {
          await this.#col('configs').insertOne({ ...row });
          return row;
        } catch (e) {
          if (!isDuplicateKey(e) || attempt >= CONFIG_PUT_ATTEMPTS) throw e;
        }
      }
    });
  }

  getConfig(asset: string, version?: number): Promise<ConfigVersion | null> {
    return this.#run(async () => {
      const a = requireKey(asset, 'asset');
      const doc = version === undefined
        ? await this.#col('configs').findOne({ asset: a }, { ...NO_ID, sort: { version: -1 } })
        : await this.#col('configs').findOne({ asset: a, version }, NO_ID);
      return doc === null ? null : fromDoc(configVersionSchema, doc, 'config');
    });
  }

  listConfigVersions(asset: string): Promise<ConfigVersion[]> {
    return this.#run(async () => {
      const docs = await this.#col('configs').find({ asset: requireKey(asset, 'asset') }, NO_ID).sort({ version: -1 }).toArray();
      return docs.map((d) => fromDoc(configVersionSchema, d, 'config'));
    });
  }

  async #insertInventory(rows: readonly InventorySnapshot[], session?: ClientSession): Promise<void> {
    if (rows.length === 0) return;
    await this.#col('inventory_snapshots').bulkWrite(
      rows.map((s) => ({ replaceOne: { filter: { venue: s.venue, asset: s.asset, ts_ms: s.ts_ms }, replacement: s, upsert: true } })),
      { session, ordered: true },
    );
  }

  insertInventorySnapshots(batch: readonly InventorySnapshot[]): Promise<void> {
    return this.#run(async () => {
      const rows = parseRecords(inventorySnapshotSchema, batch, 'inventory snapshot');
      await this.#txn((s) => this.#insertInventory(rows, s));
    });
  }

  latestInventory(filter?: { venue?: string; asset?: string }): Promise<InventorySnapshot[]> {
    return this.#run(async () => {
      const match = new MongoWhere().eq('venue', filter?.venue).eq('asset', filter?.asset).filter();
      const docs = await this.#col('inventory_snapshots').aggregate([
        { $match: match },
        { $sort: { venue: 1, asset: 1, ts_ms: -1 } },
        { $group: { _id: { venue: '$venue', asset: '$asset' }, doc: { $first: '$$ROOT' } } },
        { $replaceRoot: { newRoot: '$doc' } },
        { $project: { _id: 0 } },
        { $sort: { venue: 1, asset: 1 } },
      ]).toArray();
      return docs.map((d) => fromDoc(inventorySnapshotSchema, d, 'inventory snapshot'));
    });
  }

  retention(opts: RetentionOptions): Promise<RetentionCounts> {
    return this.#run(async () => {
      const cut = retentionCutoffs(opts);
      const trades = await this.#col('trades').deleteMany({ updated_ts_ms: { $lt: cut.trades }, state: { $in: [...TERMINAL_TRADE_STATES] } });
      const opportunities = await this.#col('opportunities').deleteMany({ ts_ms: { $lt: cut.opportunities } });
      const windows = await this.#col('windows').deleteMany({ state: 'closed', closed_ts_ms: { $lt: cut.windows } });
      const inventory = cut.inventory === null ? null : await this.#col('inventory_snapshots').deleteMany({ ts_ms: { $lt: cut.inventory } });
      return {
        trades: trades.deletedCount,
        opportunities: opportunities.deletedCount,
        windows: windows.deletedCount,
        inventory_snapshots: inventory?.deletedCount ?? 0,
      };
    });
  }

  async close(): Promise<void> {
    const client = this.#client;
    if (client === null) return;
    this.#client = null;
    await client.close();
  }
}
