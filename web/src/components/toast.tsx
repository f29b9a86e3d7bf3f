import { createSignal, Show } from 'solid-js';

/** One error line at a time, bottom right: a failed control must be seen, not logged to the console. */
const [message, setMessage] = createSignal<string | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;

export function notifyError(e: unknown): void {
  setMessage(e instanceof Error ? e.message : String(e));
  clearTimeout(timer);
  timer = setTimeout(() => setMessage(null), 6_000);
}

export function Toast() {
  return (
    <Show when={message()}>
      <div class="toast" data-testid="toast" role="alert" onClick={() => setMessage(null)}>
        {message()}
      </div>
    </Show>
  );
}
