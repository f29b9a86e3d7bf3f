import { createSignal } from 'solid-js';
import type { IncidentDoc, InventorySnapshot, Opportunity, Page, StatusDoc, TradeRecord } from './types.ts';

/**
 * REST client. The token arrives once in the URL fragment (`#token=<jwt>`, printed by `npm start`):
 * a fragment never reaches a server log or a Referer header. It is moved to sessionStorage (gone when
 * the tab closes) and stripped from the address bar so it is not bookmarked or shoulder-surfed.
 */
const KEY = 'cambist.token';

function tokenFromFragment(): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}#/overview`);
  return decodeURIComponent(m[1]!);
}

function initialToken(): string | null {
  const fromUrl = tokenFromFragment();
  if (fromUrl) sessionStorage.setItem(KEY, fromUrl);
  return fromUrl ?? sessionStorage.getItem(KEY);
}

const [token, setTokenSignal] = createSignal<string | null>(initialToken());
export { token };

export function setToken(t: string | null): void {
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
  setTokenSignal(t);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string } };
    code = j.error?.code ?? code;
    message = j.error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  // An expired or foreign token: drop it so the login box comes back instead of a wall of errors.
  if (res.status === 401) setToken(null);
  throw new ApiError(res.status, code, message);
}

const json = async <T,>(method: string, path: string, body?: unknown): Promise<T> => (await (await call(method, path, body)).json()) as T;

const qs = (q: Record<string, string | number | boolean | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export type ControlAction = 'pause' | 'resume' | 'observe_only_on' | 'observe_only_off' | 'kill' | 'resume_after_kill';

export const api = {
  status: () => json<StatusDoc>('GET', '/v1/status'),
  opportunities: (q: { asset?: string; venue?: string; limit?: number } = {}) => json<Page<Opportunity>>('GET', `/v1/opportunities${qs({ limit: 200, ...q })}`),
  trades: (q: { limit?: number; from?: number; to?: number } = {}) => json<Page<TradeRecord>>('GET', `/v1/trades${qs({ limit: 200, ...q })}`),
  inventory: () => json<Page<InventorySnapshot>>('GET', '/v1/inventory'),
  incidents: () => json<Page<IncidentDoc>>('GET', '/v1/incidents?limit=50'),
  control: (body: { action: ControlAction; reason?: string; confirm?: string; scope?: { asset?: string; venue?: string } }) =>
    json<{ ok: boolean; confirm?: string }>('POST', '/v1/controls', body),
  getConfig: (asset: string) => json<unknown>('GET', `/v1/config/${encodeURIComponent(asset)}`),
  putConfig: (asset: string, body: unknown, dryRun: boolean) => json<unknown>('PUT', `/v1/config/${encodeURIComponent(asset)}${dryRun ? '?dry_run=1' : ''}`, body),
  /** The CSV as a Blob: it needs the Authorization header, so a plain link can't fetch it. */
  tradesCsv: async (fromMs: number, toMs: number) => (await call('GET', `/v1/trades.csv${qs({ from: fromMs, to: toMs })}`)).blob(),
  /** Prometheus text; unauthenticated, used only while the metrics stream has said nothing. */
  scrape: async () => (await fetch('/metrics')).text(),
};
