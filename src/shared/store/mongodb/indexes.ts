import { MongoServerError, type Db, type IndexDescription } from 'mongodb';

export const COLLECTIONS = [
  'opportunities',
  'trades',
  'windows',
  'configs',
  'inventory_snapshots',
  'audit_log',
  'incidents',
] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/**
 * Indexes created at start (createIndexes is idempotent for an identical spec). Unique indexes are
 * the store's own guarantee of the invariants: above all `trade_key_unique`, which makes a second
 * intent for the same trade key fail on the server whatever the code above it does. The paged lists
 * each have a (time desc, key desc) index matching their keyset order.
 */
export const INDEXES: Record<CollectionName, IndexDescription[]> = {
  opportunities: [
    { key: { id: 1 }, name: 'id_unique', unique: true },
    { key: { ts_ms: -1, id: -1 }, name: 'by_time' },
    { key: { asset: 1, ts_ms: -1, id: -1 }, name: 'by_asset' },
    { key: { window_id: 1 }, name: 'by_window' },
  ],
  trades: [
    { key: { trade_key: 1 }, name: 'trade_key_unique', unique: true },
    { key: { created_ts_ms: -1, trade_key: -1 }, name: 'by_time' },
    { key: { asset: 1, created_ts_ms: -1, trade_key: -1 }, name: 'by_asset' },
    { key: { state: 1, created_ts_ms: -1 }, name: 'by_state' },
    { key: { window_id: 1 }, name: 'by_window' },
    { key: { updated_ts_ms: 1 }, name: 'by_update' },
  ],
  windows: [
    { key: { window_id: 1 }, name: 'window_id_unique', unique: true },
    { key: { opened_ts_ms: -1, window_id: -1 }, name: 'by_time' },
    { key: { asset: 1, opened_ts_ms: -1, window_id: -1 }, name: 'by_asset' },
    { key: { asset: 1, state: 1 }, name: 'open_by_asset' },
    { key: { closed_ts_ms: 1 }, name: 'by_close' },
  ],
  configs: [{ key: { asset: 1, version: -1 }, name: 'asset_version_unique', unique: true }],
  inventory_snapshots: [
    { key: { venue: 1, asset: 1, ts_ms: -1 }, name: 'venue_asset_time_unique', unique: true },
    { key: { ts_ms: 1 }, name: 'by_time' },
  ],
  audit_log: [
    { key: { id: 1 }, name: 'id_unique', unique: true },
    { key: { ts_ms: -1, id: -1 }, name: 'by_time' },
  ],
  incidents: [
    { key: { id: 1 }, name: 'id_unique', unique: true },
    { key: { ts_ms: -1, id: -1 }, name: 'by_time' },
  ],
};

export async function ensureIndexes(db: Db): Promise<void> {
  // Collections are created explicitly first: a transaction cannot create one implicitly on
  // servers before 4.4, and the first writeBatch must not depend on which collection it touches.
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of COLLECTIONS) {
    if (!existing.has(name)) await createIfAbsent(db, name);
    await db.collection(name).createIndexes(INDEXES[name]);
  }
}

const NAMESPACE_EXISTS = 48;

async function createIfAbsent(db: Db, name: string): Promise<void> {
  try {
    await db.createCollection(name);
  } catch (e) {
    // Another process opening the store at the same moment created it first: that is the outcome
    // we wanted. Anything else propagates.
    if (!(e instanceof MongoServerError && e.code === NAMESPACE_EXISTS)) throw e;
  }
}
