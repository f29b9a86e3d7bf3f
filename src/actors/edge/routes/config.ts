import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { assetSchema, type AssetConfig } from '../../../shared/config/index.ts';
import { describeIssues } from '../../../shared/config/load.ts';
import { CambistError } from '../../../shared/errors.ts';
import type { AssetConfigApi, EdgeDeps } from '../api.ts';
import { previewConfig } from '../config-preview.ts';
import { parseQuery, problem, rateLimit, readJson, type Env } from '../http.ts';
import { requireStore } from '../query.ts';

const putQuery = z.strictObject({ dry_run: z.enum(['1', '0', 'true', 'false']).optional() });
const isDryRun = (c: Context) => c.req.query('dry_run') === '1' || c.req.query('dry_run') === 'true';

function configApi(d: EdgeDeps): AssetConfigApi {
  if (!d.engine.config) throw new CambistError('EDGE_NO_CONFIG', 'this engine does not expose live config', { retry: 'retryable' });
  return d.engine.config;
}

/**
 * Validate a PUT body as one asset's config: the same zod schema the config file goes through
 * (defaults filled, unknown keys rejected), plus the cross-field rule the file-level schema adds.
 * Every message names the field, e.g. `risk.max_daily_loss_abs: expected number, found string "x"`.
 */
export function validateAssetBody(asset: string, body: unknown): { ok: true; config: AssetConfig } | { ok: false; issues: string[] } {
  const r = assetSchema.safeParse(body, { reportInput: true });
  if (!r.success) return { ok: false, issues: describeIssues(r.error.issues) };
  const issues: string[] = [];
  if (r.data.asset !== asset) issues.push(`asset: must be "${asset}" (the asset in the URL); found "${r.data.asset}"`);
  if (r.data.sizing.base_notional_quote > r.data.sizing.max_notional_quote) {
    issues.push(`sizing.base_notional_quote: must not exceed max_notional_quote (${r.data.sizing.max_notional_quote}); found ${r.data.sizing.base_notional_quote}`);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: r.data };
}

/** `GET /v1/config[/:asset[/versions]]` (read) and `PUT /v1/config/:asset[?dry_run=1]` (admin). */
export function configRoutes(app: Hono<Env>, d: EdgeDeps): void {
  app.get('/v1/config', d.scope('read'), (c) => {
    const api = configApi(d);
    return c.json({ items: api.assets().map((a) => api.get(a)), next_cursor: null });
  });

  app.get('/v1/config/:asset', d.scope('read'), (c) => c.json(configApi(d).get(c.req.param('asset'))));

  app.get('/v1/config/:asset/versions', d.scope('read'), async (c) => {
    const asset = c.req.param('asset');
    configApi(d).get(asset); // 404 for an asset the engine does not run
    return c.json({ items: await requireStore(d.store).listConfigVersions(asset), next_cursor: null });
  });

  app.put('/v1/config/:asset', d.scope('admin'), rateLimit(d.controlsPerMin, d.nowMs, 'config change', isDryRun), async (c) => {
    const q = parseQuery(c, putQuery);
    if (!q.ok) return q.res;
    const dryRun = isDryRun(c);
    const api = configApi(d);
    const asset = c.req.param('asset');
    const current = api.get(asset);
    const body = await readJson(c, `the asset's config object as GET /v1/config/${asset} returns it in "config"`);
    if (!body.ok) return body.res;
    const v = validateAssetBody(asset, body.data);
    if (!v.ok) return problem(c, 400, 'CONFIG_INVALID', v.issues.join('; '), {}, { issues: v.issues });
    const preview = await previewConfig({ before: current.config, after: v.config, store: d.store, nowMs: d.nowMs() });
    if (dryRun) return c.json({ dry_run: true, applied: false, asset, version: current.version, ...preview });
    if (preview.restart_required.length > 0) {
      return problem(c, 409, 'CONFIG_RESTART_REQUIRED', `these keys are read at start and cannot change live: ${preview.restart_required.join(', ')}; edit the config file and restart`, {}, { restart_required: preview.restart_required });
    }
    if (preview.changes.length === 0) return c.json({ dry_run: false, applied: false, asset, version: current.version, ...preview, pushed: [] });
    const r = await api.apply(asset, v.config, c.get('principal').subject);
    d.changed();
    return c.json({ dry_run: false, applied: true, asset, version: r.version, ...preview, pushed: r.pushed });
  });
}
