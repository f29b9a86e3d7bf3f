import { execFileSync } from 'node:child_process';

/** One fresh `dist/` per test run, so actor workers start from compiled JS (see topology.ts). */
export default function setup(): void {
  execFileSync(process.execPath, [new URL('../scripts/build.mjs', import.meta.url).pathname], { stdio: 'inherit' });
}
