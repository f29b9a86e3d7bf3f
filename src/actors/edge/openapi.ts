import { z } from 'zod';
import { assetSchema } from '../../shared/config/index.ts';
import {
  DIRECTIONS, TRADE_STATES, WINDOW_STATES, auditEntrySchema, configVersionSchema, incidentSchema, inventorySnapshotSchema,
  opportunitySchema, tradeSchema, windowSchema,
} from '../../shared/store/index.ts';
import { controlBody } from './api.ts';
import { TRADE_CSV_COLUMNS } from './csv.ts';
import { TOPICS } from './stream-hub.ts';

/**
 * The OpenAPI 3.1 document of the edge (`GET /v1/openapi.json`). Record schemas are generated from
 * the same zod schemas the store validates with, so the document cannot drift from what the routes
 * return; a test checks that every route registered on the app is listed here.
 * Each operation carries its scope twice: as the bearer requirement's role list (3.1 allows roles
 * for any scheme) and as `x-scope`, which is simpler for a client to read.
 */
type Scope = 'none' | 'read' | 'trade' | 'admin';
type Json = Record<string, unknown>;

/** zod → JSON Schema, without `$schema`; recursive JSON values (audit before/after) become `{}`. */
function schemaOf(s: z.ZodType, io: 'input' | 'output' = 'output'): Json {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  delete j.$schema;
  delete j.$defs;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Json;
    if (typeof o.$ref === 'string' && o.$ref.startsWith('#/$defs/')) return {};
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, strip(x)]));
  };
  return strip(j) as Json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pageOf = (name: string) => ({
  type: 'object',
  required: ['items', 'next_cursor'],
  properties: { items: { type: 'array', items: ref(name) }, next_cursor: { type: ['string', 'null'], description: 'pass back as `cursor` for the next (older) page; null on the last page' } },
});

interface Param {
  name: string;
  in?: 'query' | 'path';
  schema?: Json;
  description?: string;
  required?: boolean;
}
const q = (name: string, description: string, schema: Json = { type: 'string' }): Param => ({ name, description, schema });
const PAGE: Param[] = [
  q('cursor', 'opaque cursor from the previous page'),
  q('limit', 'rows per page, 1..1000 (default 100)', { type: 'integer', minimum: 1, maximum: 1000 }),
  q('from', 'epoch ms, inclusive, on the list\'s sort time', { type: 'integer' }),
  q('to', 'epoch ms, exclusive', { type: 'integer' }),
];
const PAIR: Param[] = [
  q('asset', 'asset code, e.g. SOL'),
  q('venue', 'CEX venue: coinbase | gemini | bitstamp'),
  q('route', 'DEX route, e.g. whirlpool:<pool address>'),
  q('direction', 'trade direction', { type: 'string', enum: [...DIRECTIONS] }),
];
const ASSET_PATH: Param = { name: 'asset', in: 'path', required: true, schema: { type: 'string' } };

interface Op {
  method: 'get' | 'post' | 'put';
  path: string;
  scope: Scope;
  summary: string;
  params?: Param[];
  body?: Json;
  response: { type: string; schema?: Json; description?: string };
  extra?: Json;
}

const json = (schema: Json, description = 'OK') => ({ type: 'application/json', schema, description });

const OPS: Op[] = [
  { method: 'get', path: '/healthz', scope: 'none', summary: '200 once every actor is Ready; 503 with the reason otherwise', response: json({ type: 'object', properties: { status: { enum: ['ok', 'unavailable'] }, reason: { type: 'string' } } }) },
  { method: 'get', path: '/metrics', scope: 'none', summary: 'Prometheus text exposition (cambist_* series)', response: { type: 'text/plain', description: 'Prometheus text format 0.0.4' } },
  { method: 'get', path: '/v1/openapi.json', scope: 'none', summary: 'this document', response: json({ type: 'object' }) },
  { method: 'get', path: '/v1/status', scope: 'read', summary: 'mode, actors, control flags, kill confirmation, incidents, rings', response: json({ type: 'object' }) },
  { method: 'post', path: '/v1/controls', scope: 'trade', summary: 'pause | resume | observe_only_on | observe_only_off | kill | resume_after_kill (trade); restart (admin). Rate limited (429 + Retry-After); audited', body: ref('ControlBody'), response: json({ type: 'object', properties: { ok: { const: true }, before: {}, after: {}, confirm: { type: 'string', description: 'kill only: the token resume_after_kill needs' }, audit_id: { type: 'string' } } }) },
  { method: 'get', path: '/v1/opportunities', scope: 'read', summary: 'opportunities, newest first', params: [...PAGE, ...PAIR, q('traded', 'true | false', { type: 'boolean' }), q('window_id', 'window id')], response: json(pageOf('Opportunity')) },
  { method: 'get', path: '/v1/trades', scope: 'read', summary: 'trades by creation time, newest first', params: [...PAGE, ...PAIR, q('state', `comma list of: ${TRADE_STATES.join(', ')}`), q('window_id', 'window id')], response: json(pageOf('Trade')) },
  { method: 'get', path: '/v1/trades.csv', scope: 'read', summary: 'CSV export of trades (header row; attachment)', params: [q('from', 'epoch ms, inclusive', { type: 'integer' }), q('to', 'epoch ms, exclusive', { type: 'integer' }), ...PAIR, q('state', 'comma list of trade states')], response: { type: 'text/csv', description: `columns: ${TRADE_CSV_COLUMNS.join(', ')}` } },
  { method: 'get', path: '/v1/windows', scope: 'read', summary: 'windows by open time, newest first', params: [...PAGE, ...PAIR, q('state', 'open | closed', { type: 'string', enum: [...WINDOW_STATES] })], response: json(pageOf('Window')) },
  { method: 'get', path: '/v1/inventory', scope: 'read', summary: 'newest inventory snapshot per (venue, asset); one page', params: [q('asset', 'asset code'), q('venue', 'venue')], response: json(pageOf('InventorySnapshot')) },
  { method: 'get', path: '/v1/incidents', scope: 'read', summary: 'incidents, newest first', params: [...PAGE, q('kind', 'actor_crash_loop | operator_kill | risk'), q('status', 'open | resolved', { type: 'string', enum: ['open', 'resolved'] })], response: json(pageOf('Incident')) },
  { method: 'get', path: '/v1/audit', scope: 'read', summary: 'audit log (every control and config change: who, when, before, after), newest first', params: [...PAGE, q('actor', 'who'), q('action', 'e.g. pause, config_put'), q('target', 'asset, venue, actor or global')], response: json(pageOf('AuditEntry')) },
  { method: 'get', path: '/v1/config', scope: 'read', summary: 'running config of every asset', response: json({ type: 'object', properties: { items: { type: 'array', items: ref('RunningAssetConfig') }, next_cursor: { type: 'null' } } }) },
  { method: 'get', path: '/v1/config/{asset}', scope: 'read', summary: 'running config of one asset', params: [ASSET_PATH], response: json(ref('RunningAssetConfig')) },
  { method: 'get', path: '/v1/config/{asset}/versions', scope: 'read', summary: 'stored config versions of one asset, newest first', params: [ASSET_PATH], response: json(pageOf('ConfigVersion')) },
  {
    method: 'put', path: '/v1/config/{asset}', scope: 'admin',
    summary: 'replace one asset\'s config (validated by the config schema; 400 CONFIG_INVALID names the field), store it as a version, apply it live to signal/executor; `?dry_run=1` only previews. 409 CONFIG_RESTART_REQUIRED for keys read at start. Rate limited (not dry runs); audited',
    params: [ASSET_PATH, q('dry_run', '1 | true: preview, change nothing', { type: 'string', enum: ['1', '0', 'true', 'false'] })],
    body: ref('AssetConfig'), response: json(ref('ConfigResult')),
  },
  {
    method: 'get', path: '/v1/stream', scope: 'read',
    summary: `WebSocket. Token in ?token= (browsers cannot set headers). Topics: ${TOPICS.join(', ')}. Messages { topic, ts_ms, data }: status = the /v1/status document every 500 ms and on every change; opportunities / trades = arrays of new (trades: new or changed) rows, oldest first, ≲ 100 ms after they land; metrics = { tick_to_signal_us, detect_to_fill_ms } every second`,
    params: [q('token', 'JWT with the read scope'), q('topics', `comma list of ${TOPICS.join(', ')} (default all)`)],
    response: { type: 'application/json', schema: ref('StreamMessage'), description: '101 Switching Protocols; then StreamMessage frames' },
  },
  { method: 'get', path: '/', scope: 'none', summary: 'the console (dist-web/index.html); 503 "console not built" until `npm run build:web`', response: { type: 'text/html' } },
  { method: 'get', path: '/{path}', scope: 'none', summary: 'console assets; other console paths answer index.html', params: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }], response: { type: 'text/html' } },
];

const latency = { type: 'object', additionalProperties: { type: 'object', properties: { last: { type: 'number' }, mean: { type: 'number' }, p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' }, count: { type: 'number' } } } };
const change = { type: 'object', properties: { key: { type: 'string' }, before: {}, after: {} } };

function components(): Json {
  return {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT with scopes read ⊂ trade ⊂ admin (`cambist token --scope …`)' } },
    schemas: {
      Opportunity: schemaOf(opportunitySchema),
      Trade: schemaOf(tradeSchema),
      Window: schemaOf(windowSchema),
      InventorySnapshot: schemaOf(inventorySnapshotSchema),
      Incident: schemaOf(incidentSchema),
      AuditEntry: schemaOf(auditEntrySchema),
      ConfigVersion: schemaOf(configVersionSchema),
      AssetConfig: schemaOf(assetSchema, 'input'),
      ControlBody: schemaOf(controlBody, 'input'),
      RunningAssetConfig: {
        type: 'object',
        properties: { asset: { type: 'string' }, version: { type: ['integer', 'null'] }, source: { enum: ['file', 'store'] }, updated_ts_ms: { type: ['integer', 'null'] }, author: { type: ['string', 'null'] }, config: ref('AssetConfig') },
      },
      ConfigResult: {
        type: 'object',
        properties: {
          dry_run: { type: 'boolean' }, applied: { type: 'boolean' }, asset: { type: 'string' }, version: { type: ['integer', 'null'] },
          changes: { type: 'array', items: change },
          restart_required: { type: 'array', items: { type: 'string' } },
          would_pause: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, reason: { type: 'string' } } } },
          closes_windows: { type: 'array', items: { type: 'object', properties: { window_id: { type: 'string' }, cex_venue: { type: 'string' }, dex_route: { type: 'string' }, direction: { type: 'string' }, mean_edge_bps: { type: 'number' }, threshold_bps: { type: 'number' } } } },
          pushed: { type: 'array', items: { type: 'object', properties: { actor: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } } } },
        },
      },
      StreamMessage: {
        type: 'object',
        required: ['topic', 'ts_ms', 'data'],
        properties: {
          topic: { enum: [...TOPICS] },
          ts_ms: { type: 'integer', description: 'epoch ms when sent' },
          data: {
            oneOf: [
              { type: 'object', description: 'status: the /v1/status document' },
              { type: 'array', items: ref('Opportunity') },
              { type: 'array', items: ref('Trade') },
              { type: 'object', properties: { tick_to_signal_us: latency, detect_to_fill_ms: latency } },
            ],
          },
        },
      },
      Error: { type: 'object', properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'string' } } } } } },
    },
  };
}

function operation(op: Op): Json {
  const errors: Json = {};
  const err = (d: string) => ({ description: d, content: { 'application/json': { schema: ref('Error') } } });
  if (op.scope !== 'none') Object.assign(errors, { 401: err('no or invalid token'), 403: err(`token lacks the ${op.scope} scope`) });
  if (op.params?.some((p) => (p.in ?? 'query') === 'query')) errors[400] = err('a query parameter is invalid; the message names it');
  if (op.method !== 'get') Object.assign(errors, { 400: err('invalid body; the message names the field'), 429: err('rate limited; see Retry-After') });
  return {
    summary: op.summary,
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    'x-scope': op.scope,
    security: op.scope === 'none' ? [] : [{ bearer: [op.scope] }],
    ...(op.params ? { parameters: op.params.map((p) => ({ in: p.in ?? 'query', required: p.required ?? false, schema: p.schema ?? { type: 'string' }, name: p.name, ...(p.description ? { description: p.description } : {}) })) } : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses: {
      200: { description: op.response.description ?? 'OK', content: { [op.response.type]: op.response.schema ? { schema: op.response.schema } : {} } },
      ...errors,
    },
  };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  for (const op of OPS) (paths[op.path] ??= {})[op.method] = operation(op);
  cached = {
    openapi: '3.1.0',
    info: { title: 'cambist edge API', version: '1', description: 'Operator API of the cambist arbitrage engine (DESIGN §8). Errors are { error: { code, message } }.' },
    paths,
    components: components(),
  };
  return cached;
}

/** `/v1/config/:asset` → `/v1/config/{asset}`; `/*` → `/{path}` (for the route-coverage test). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\/\*$/, '/{path}');
}
