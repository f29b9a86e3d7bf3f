/**
 * Restart policy, pure: exponential backoff with equal jitter, and escalation when an actor keeps
 * dying. Randomness comes in as a function so a seeded run replays the same delays.
 */
export interface RestartPolicy {
  initialMs: number;
  maxMs: number;
  /** More than this many restarts inside `windowMs` escalates instead of restarting again. */
  escalateRestarts: number;
  windowMs: number;
}

/** Delay before restart number `attempt` (1-based): half fixed, half random, capped at maxMs. */
export function backoffMs(policy: RestartPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return base / 2 + random() * (base / 2);
}

/**
 * Given the times of earlier restarts and now, decide: restart (and after which delay) or escalate.
 * `recent` is pruned in place to the window.
 */
export function decideRestart(
  policy: RestartPolicy,
  recent: number[],
  nowMs: number,
  random: () => number,
): { action: 'restart'; delayMs: number } | { action: 'escalate'; restartsInWindow: number } {
  while (recent.length > 0 && nowMs - recent[0]! > policy.windowMs) recent.shift();
  if (recent.length >= policy.escalateRestarts) return { action: 'escalate', restartsInWindow: recent.length };
  recent.push(nowMs);
  return { action: 'restart', delayMs: backoffMs(policy, recent.length, random) };
}
