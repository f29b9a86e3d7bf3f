import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { problem, type Env } from '../http.ts';

/**
 * The built console (vite → `dist-web/`) at `/`. The folder is checked on every request, not at
 * start, so `npm run build:web` while the engine runs takes effect without a restart, and an engine
 * started before the build says plainly what to do instead of serving a blank page.
 */
export const CONSOLE_NOT_BUILT = 'console not built: run `npm run build:web`';

/** `dist-web/` at the package root (the folder holding package.json), from sources or the build. */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return join(dir, 'dist-web');
}

export function consoleRoutes(app: Hono<Env>, consoleDir: string): void {
  const index = join(consoleDir, 'index.html');
  // serveStatic takes a root relative to the working directory.
  const files: MiddlewareHandler = serveStatic({ root: relative(process.cwd(), consoleDir) || '.' });
  const indexHtml = (c: Context) => c.html(readFileSync(index, 'utf8'), 200, { 'cache-control': 'no-cache' });
  const notBuilt = (c: Context) => c.text(CONSOLE_NOT_BUILT, 503, { 'cache-control': 'no-store' });

  app.get('/', (c) => (existsSync(index) ? indexHtml(c) : notBuilt(c)));

  // Everything else that is not the API: a built asset, or the console's own route (a deep link
  // such as /trades reloaded in the browser) answered with index.html.
  app.get('/*', async (c) => {
    if (c.req.path.startsWith('/v1/') || c.req.path === '/v1') return problem(c, 404, 'NOT_FOUND', `no route GET ${c.req.path}`);
    if (!existsSync(index)) return c.req.path.includes('.') ? problem(c, 404, 'NOT_FOUND', `no file ${c.req.path}`) : notBuilt(c);
    const served = await files(c, async () => undefined);
    if (served) return served;
    if (c.req.path.split('/').pop()?.includes('.')) return problem(c, 404, 'NOT_FOUND', `no file ${c.req.path}`);
    return indexHtml(c);
  });
}
