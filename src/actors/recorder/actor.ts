import { runActor } from '../runtime/actor.ts';
import { recorderActor } from './run.ts';

/**
 * recorder entry point: the recorder actor (`run.ts`) over the configured store (SQLite in
 * `data_dir`, or MongoDB from the URL in the environment variable the config names).
 */
runActor(recorderActor());
