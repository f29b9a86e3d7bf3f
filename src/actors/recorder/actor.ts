import { kindAt } from '../../shared/messages/index.ts';
import { runActor } from '../runtime/actor.ts';
import { InputLoop } from '../runtime/loop.ts';

/**
 * recorder (async ring loop: it does I/O). Drains Opportunity / WindowEvent / ExecResult /
 * FeedHealth records from every producer. Today it counts them by kind; batching them into the
 * store lands with the storage issue.
 */
runActor((ctx) => {
  const byKind = new Float64Array(16);
  const loop = ctx.rings.doorbell
    ? new InputLoop({
        mode: 'async',
        doorbell: ctx.rings.doorbell,
        inputs: ctx.rings.inputs,
        onRecord: (mem, off) => {
          byKind[kindAt(mem, off) & 15]!++;
        },
      })
    : undefined;
  return {
    start: () => loop?.start(),
    stop: () => loop?.stop(),
    stats: () => ({ records: byKind.reduce((a, b) => a + b, 0), loop_passes: loop?.passes ?? 0 }),
  };
});
