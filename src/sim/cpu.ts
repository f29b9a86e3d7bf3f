import { readFileSync } from 'node:fs';

/**
 * CPU time of the calling thread. Node 20 has no per-thread CPU clock (`process.threadCpuUsage`
 * came in Node 23), and `process.cpuUsage()` covers every thread of the process; on Linux the
 * kernel keeps it per thread in `/proc/thread-self/stat`. The read is synchronous on purpose: sync
 * fs runs on the calling thread, so "thread-self" is this thread and not a libuv pool thread.
 */

/** Clock ticks per second of `utime`/`stime` (USER_HZ: 100 on every mainstream Linux architecture; `getconf CLK_TCK`). */
export const CLK_TCK = 100;

/** utime and stime (fields 14 and 15, in clock ticks) of a `/proc/<pid>/task/<tid>/stat` line. */
export function parseStatTicks(text: string): { utime: number; stime: number } {
  // The command name (field 2) is in parentheses and may itself contain spaces or ')': the fields
  // after it are counted from the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new RangeError(`not a /proc stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new RangeError(`no utime/stime in /proc stat line: ${text.slice(0, 80)}`);
  return { utime, stime };
}

let unavailable = false;

/** This thread's CPU seconds (user + system), or null where `/proc/thread-self` does not exist. */
export function threadCpuSeconds(): number | null {
  if (unavailable) return null;
  try {
    const { utime, stime } = parseStatTicks(readFileSync('/proc/thread-self/stat', 'latin1'));
    return (utime + stime) / CLK_TCK;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    unavailable = true;
    return null;
  }
}
