import { createMemo, createSignal, For, Show } from 'solid-js';
import { api } from '../api.ts';
import { dateTime } from '../format.ts';
import { status } from '../state.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Per-asset config: load (GET /v1/config/:asset answers the running version with the config under
 * `config`), edit it as JSON, preview (PUT ?dry_run=1: validated and diffed, nothing applied), save.
 * The edge wants the admin scope for PUT; a trade-scope console token gets its 403 shown here.
 */
export function Settings() {
  const assets = createMemo(() => Object.keys(status()?.control.assets ?? {}));
  const [asset, setAsset] = createSignal('');
  const [text, setText] = createSignal('');
  const [meta, setMeta] = createSignal<Obj | null>(null);
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const current = () => asset() || assets()[0] || '';

  const run = async (f: () => Promise<unknown>, show = true) => {
    setBusy(true);
    try {
      const r = await f();
      setResult(show ? { ok: true, text: JSON.stringify(r, null, 2) } : null);
    } catch (e) {
      setResult({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const load = () =>
    run(async () => {
      const doc = await api.getConfig(current());
      setMeta(isObj(doc) ? doc : null);
      setText(JSON.stringify(isObj(doc) && isObj(doc.config) ? doc.config : doc, null, 2));
    }, false);

  const put = (dryRun: boolean) =>
    run(async () => {
      let body: unknown;
      try {
        body = JSON.parse(text());
      } catch (e) {
        throw new Error(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      const r = await api.putConfig(current(), body, dryRun);
      if (!dryRun) void load();
      return r;
    });

  return (
    <section data-testid="view-settings">
      <h1>Settings</h1>
      <div class="filters">
        <select data-testid="settings-asset" value={current()} onChange={(e) => { setAsset(e.currentTarget.value); setText(''); setMeta(null); }}>
          <For each={assets()}>{(a) => <option value={a}>{a}</option>}</For>
        </select>
        <button data-testid="config-load" disabled={busy() || !current()} onClick={load}>
          Load
        </button>
        <button data-testid="config-preview" disabled={busy() || !text()} onClick={() => put(true)}>
          Preview (dry run)
        </button>
        <button data-testid="config-save" class="primary" disabled={busy() || !text()} onClick={() => put(false)}>
          Save
        </button>
        <Show when={meta()}>
          <span class="muted" data-testid="config-version">
            version {String(meta()!.version ?? 'file')} · {String(meta()!.source ?? '')} {meta()!.updated_ts_ms ? `· ${dateTime(Number(meta()!.updated_ts_ms))} by ${String(meta()!.author)}` : ''}
          </span>
        </Show>
      </div>
      <textarea class="editor" data-testid="config-editor" spellcheck={false} placeholder="Load an asset's config to edit it." value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      <Show when={result()}>
        <pre class={`result ${result()!.ok ? '' : 'neg'}`} data-testid="config-result">{result()!.text}</pre>
      </Show>
    </section>
  );
}
