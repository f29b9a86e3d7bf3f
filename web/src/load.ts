import { createSignal, onMount } from 'solid-js';

/**
 * A REST read for a screen: value, loading and error as plain signals. (Solid's createResource
 * rethrows a failed fetch where it is read; a route the edge does not serve yet must show a line of
 * text, not blank the screen.)
 */
export function createLoad<T>(fn: () => Promise<T>, initial: T) {
  const [value, setValue] = createSignal<T>(initial);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const reload = async () => {
    setLoading(true);
    try {
      const v = await fn();
      setValue(() => v);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };
  onMount(() => void reload());
  return { value, loading, error, reload, set: setValue };
}
