import { createSignal, Show } from 'solid-js';
import { api, type ControlAction } from '../api.ts';
import { setStatus, status } from '../state.ts';
import { notifyError } from './toast.tsx';

/**
 * Global controls. After every action the status is re-read at once rather than waiting for the
 * stream, so the buttons reflect the engine within one round trip. A kill is undone only in two
 * deliberate steps: open the resume dialog, type RESUME, confirm (the server also wants the one-time
 * token the kill returned, which the status document carries as `kill_confirm`).
 */
export function Controls() {
  const [busy, setBusy] = createSignal(false);
  const [killOpen, setKillOpen] = createSignal(false);
  const [resumeOpen, setResumeOpen] = createSignal(false);
  const g = () => status()?.control.global;

  const send = async (action: ControlAction, extra: { reason?: string; confirm?: string } = {}) => {
    setBusy(true);
    try {
      const r = await api.control({ action, ...extra });
      setStatus(await api.status());
      return r;
    } catch (e) {
      notifyError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="controls">
      <button data-testid="control-pause" class={g()?.paused ? 'active' : ''} disabled={busy() || !g() || g()!.paused} onClick={() => send('pause')}>
        Pause
      </button>
      <button data-testid="control-resume" disabled={busy() || !g() || !g()!.paused || g()!.killed} onClick={() => send('resume')}>
        Resume
      </button>
      <button
        data-testid="control-observe-only"
        aria-pressed={g()?.observe_only ? 'true' : 'false'}
        class={g()?.observe_only ? 'active' : ''}
        disabled={busy() || !g()}
        onClick={() => send(g()?.observe_only ? 'observe_only_off' : 'observe_only_on')}
      >
        Observe-only {g()?.observe_only ? 'on' : 'off'}
      </button>
      {/* Kill stays on screen (disabled) while killed, so every control is always where it was. */}
      <button data-testid="control-kill" class="danger" disabled={busy() || !g() || g()!.killed} onClick={() => setKillOpen(true)}>
        Kill
      </button>
      <Show when={g()?.killed}>
        <button data-testid="control-resume-after-kill" class="danger" disabled={busy()} onClick={() => setResumeOpen(true)}>
          Resume after kill…
        </button>
      </Show>
      <Show when={killOpen()}>
        <KillDialog onClose={() => setKillOpen(false)} onKill={async (reason) => (await send('kill', { reason })) !== undefined} />
      </Show>
      <Show when={resumeOpen()}>
        <ResumeDialog
          confirmToken={status()?.kill_confirm ?? null}
          onClose={() => setResumeOpen(false)}
          onResume={async (confirm) => (await send('resume_after_kill', { confirm })) !== undefined}
        />
      </Show>
    </div>
  );
}

function KillDialog(p: { onClose: () => void; onKill: (reason: string) => Promise<boolean> }) {
  const [reason, setReason] = createSignal('');
  return (
    <div class="dialog-backdrop">
      <form
        class="dialog"
        data-testid="kill-dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await p.onKill(reason().trim())) p.onClose();
        }}
      >
        <strong>Kill switch</strong>
        <span class="muted">Stops every new order on every asset and venue. In-flight legs still settle or hedge.</span>
        <input data-testid="kill-reason" placeholder="reason (required, goes to the audit log)" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
        <div class="controls">
          <button type="submit" class="danger" data-testid="kill-submit" disabled={!reason().trim()}>
            Kill now
          </button>
          <button type="button" data-testid="kill-cancel" onClick={p.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function ResumeDialog(p: { confirmToken: string | null; onClose: () => void; onResume: (confirm: string) => Promise<boolean> }) {
  const [typed, setTyped] = createSignal('');
  return (
    <div class="dialog-backdrop">
      <form
        class="dialog"
        data-testid="resume-dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (p.confirmToken && (await p.onResume(p.confirmToken))) p.onClose();
        }}
      >
        <strong>Resume after kill</strong>
        <span class="muted">
          Trading restarts on every scope the kill stopped. Confirmation <span class="mono">{p.confirmToken ?? '(none pending)'}</span>. Type RESUME to continue.
        </span>
        <input data-testid="resume-confirm-input" placeholder="RESUME" value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} />
        <div class="controls">
          <button type="submit" class="danger" data-testid="resume-after-kill-confirm" disabled={typed() !== 'RESUME' || !p.confirmToken}>
            Confirm resume
          </button>
          <button type="button" data-testid="resume-cancel" onClick={p.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
