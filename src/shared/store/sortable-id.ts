import { randomBytes } from 'node:crypto';

let lastMs = -1;
let seq = 0;

/**
 * Ids for rows the store names itself (audit entries). Lexicographic order = creation order within
 * a process (time, then a counter), so audit entries of one millisecond list in the order they were
 * appended; the random tail keeps ids of two processes (edge and supervisor) from colliding.
 */
export function sortableId(ts_ms: number): string {
  if (ts_ms === lastMs) seq += 1;
  else {
    lastMs = ts_ms;
    seq = 0;
  }
  return `${ts_ms.toString(36).padStart(9, '0')}-${seq.toString(36).padStart(4, '0')}-${randomBytes(5).toString('hex')}`;
}
