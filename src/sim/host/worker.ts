// The simulator's worker thread (sim mode): every venue server, the market model and the load
// generator run here, so their CPU is this thread's and not the engine's main thread (supervisor,
// edge). Started by `host/index.ts` with a MessagePort and the options in `workerData`.
import { type MessagePort, threadId, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { startSim } from '../index.ts';
import { controlApi, type SimWorkerOptions } from './api.ts';

const { port, options } = workerData as { port: MessagePort; options: SimWorkerOptions };
const started = startSim(options);
// A failed start reaches the main thread through `info()`, which awaits this promise; this only
// keeps Node from also reporting it as unhandled in the window before that call arrives.
started.catch(() => undefined);
// Once the simulator is closed the port is the last handle: closing it (after the reply to
// close() has been posted) lets the thread exit on its own, which is how the host knows nothing
// was left running.
Comlink.expose(controlApi(started, threadId, () => setImmediate(() => port.close())), nodeEndpoint(port));
