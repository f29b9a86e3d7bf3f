import { defineConfig } from 'vitest/config';

// One Node project for everything that runs server-side. The browser (console) tests drive Debian's
// chromium through playwright-core from Node too, so they live here as well; vite-plugin-solid is
// only used by the web build (web/vite.config.ts), never by this project (it breaks `ws` imports).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Build dist/ once per run (under a second) and start actor workers from it: see topology.ts.
    globalSetup: ['./test/global-setup.ts'],
    env: { CAMBIST_WORKERS_FROM_DIST: '1' },
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Worker-thread tests are CPU-heavy on a 2-core machine; keep files from fighting each other.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
