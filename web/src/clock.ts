import { createSignal } from 'solid-js';

/** A once-a-second wall clock for ages and countdowns, shared so there is one timer, not one per row. */
const [now, setNow] = createSignal(Date.now());
setInterval(() => setNow(Date.now()), 1_000);
export { now };
