import { createSignal } from 'solid-js';
import { setToken } from '../api.ts';

/** Shown when there is no token: `npm start` prints a link with one, `cambist token --scope trade` mints one. */
export function Login() {
  const [value, setValue] = createSignal('');
  const submit = (e: Event) => {
    e.preventDefault();
    const t = value().trim();
    if (t) setToken(t);
  };
  return (
    <form class="login card" data-testid="login" onSubmit={submit}>
      <div class="brand">CAMBIST</div>
      <div class="muted">
        Open the link <span class="mono">npm start</span> printed, or paste a token from <span class="mono">cambist token --scope trade</span>.
      </div>
      <input data-testid="login-token" type="password" placeholder="token" autocomplete="off" value={value()} onInput={(e) => setValue(e.currentTarget.value)} />
      <button class="primary" data-testid="login-submit" type="submit">
        Sign in
      </button>
    </form>
  );
}
