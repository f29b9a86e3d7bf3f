import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The console build: web/ is the vite root, the output goes to dist-web/ at the repo root, where the
// edge serves it at `/`. Relative asset URLs so the same build works behind a path prefix.
const engine = process.env.CAMBIST_URL ?? 'http://127.0.0.1:8080';
const proxy = () => ({ '/v1': { target: engine, ws: true }, '/metrics': engine, '/healthz': engine });

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
  },
  // `npx vite --config web/vite.config.ts` for UI work with hot reload against a running engine
  // (CAMBIST_URL, default the engine's default port): the API and the stream are proxied.
  server: { host: '127.0.0.1', proxy: proxy() },
  preview: { host: '127.0.0.1', proxy: proxy() },
});
