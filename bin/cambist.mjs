#!/usr/bin/env node
// The `cambist` command. It runs the TypeScript sources through tsx's loader, so `npm ci` then
// `npm start` works with no build step; worker threads register the same loader themselves
// (src/actors/runtime/ts-bootstrap.mjs).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/supervisor/cli.ts');
process.exitCode = await main(process.argv.slice(2));
