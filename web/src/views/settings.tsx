import { createMemo, createSignal, For, Show } from 'solid-js';
import { api } from '../api.ts';
import { status } from '../state.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Per-asset config: load (GET /v1/config/:asset), edit as JSON, preview (PUT ?dry_run=1: the edge
 * validates and answers what would change, nothing is applied), then save. If the edge answers a
 * stored version (`{ format, body }`), the edit goes back in the same envelope.
 */
export function Settings() {
  const assets = createMemo(() => Object.keys(status()?.control.assets ?? {}));
  const [asset, setAsset] = createSignal('');
  const [text, setText] = createSignal('');
  const [envelope, setEnvelope] = createSignal<Obj | null>(null);
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const current = () => asset() || assets()[0] || '';

  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    try {
      const r = await f();
      setResult({ ok: true, text: JSON.stringify(r, null, 2) });
    } catch (e) {
      setResult({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const load = () =>
    run(async () => {
      const doc = await api.getConfig(current());
      const env = isObj(doc) && typeof doc.body === 'string' ? doc : null;
      setEnvelope(env);
      setText(env ? String(env.body) : JSON.stringify(doc, null, 2));
      return doc;
    });

  const body = (): unknown => {
    const env = envelope();
    if (env) return { format: env.format ?? 'json', body: text() };
    return JSON.parse(text()) as unknown;
  };

  return (
    <section data-testid="view-settings">
      <h1>Settings</h1>
      <div class="filters">
        <select data-testid="settings-asset" value={current()} onChange={(e) => setAsset(e.currentTarget.value)}>
          <For each={assets()}>{(a) => <option value={a}>{a}</option>}</For>
        </select>
        <button data-testid="config-load" disabled={busy() || !current()} onClick={load}>
          Load
        </button>
        <button data-testid="config-preview" disabled={busy() || !text()} onClick={() => run(() => api.putConfig(current(), body(), true))}>
          Preview (dry run)
        </button>
        <button data-testid="config-save" class="primary" disabled={busy() || !text()} onClick={() => run(() => api.putConfig(current(), body(), false))}>
          Save
        </button>
      </div>
      <textarea class="editor" data-testid="config-editor" spellcheck={false} placeholder="Load an asset's config to edit it." value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      <Show when={result()}>
        <pre class={`result ${result()!.ok ? '' : 'neg'}`} data-testid="config-result">{result()!.text}</pre>
      </Show>
    </section>
  );
}
