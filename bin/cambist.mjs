#!/usr/bin/env node
// The `cambist` command. `npm start` builds dist/ first (scripts/build.mjs, under a second) and the
// engine runs from it: worker threads started from plain JS boot several times faster than through a
// TypeScript loader each. Without a build (or with CAMBIST_FROM_SOURCE=1) it runs the sources
// through tsx, and the workers register the same loader themselves.
import { existsSync } from 'node:fs';

const built = new URL('../dist/supervisor/cli.js', import.meta.url);
let mod;
if (existsSync(built) && !process.env.CAMBIST_FROM_SOURCE) {
  mod = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('../src/supervisor/cli.ts');
}
process.exitCode = await mod.main(process.argv.slice(2));
