// Fast build of src/ → dist/ for `npm start` and the CLI: esbuild strips the types file by file
// (no bundling, so the folder layout and every `new URL(…, import.meta.url)` stay valid) and the
// relative `.ts` import specifiers are rewritten to `.js`. It does not type-check: `npm run
// typecheck` (tsc) does that; this exists because worker threads started from compiled JS boot in
// a fraction of the time a tsx loader needs per worker.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transform } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const out = join(root, 'dist');

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

// `from './x.ts'`, `import('./x.ts')`, `export … from '../y.ts'` → `.js` (relative specifiers only).
const SPEC = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"\n]+?)\.ts\2/g;

const t0 = Date.now();
let n = 0;
const jobs = [];
for (const file of walk(src)) {
  const rel = relative(src, file);
  if (file.endsWith('.d.ts') || file.endsWith('.md')) continue;
  const dest = join(out, rel.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(dest), { recursive: true });
  if (!file.endsWith('.ts')) {
    copyFileSync(file, dest);
    continue;
  }
  n++;
  jobs.push(
    transform(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: rel, sourcemap: 'inline' }).then((r) => {
      // Write then rename: a process loading dist/ while another rebuilds it never reads half a file.
      const tmp = `${dest}.${process.pid}.tmp`;
      writeFileSync(tmp, r.code.replace(SPEC, (_m, pre, q, path) => `${pre}${q}${path}.js${q}`));
      renameSync(tmp, dest);
    }),
  );
}
await Promise.all(jobs);
console.log(`build: ${n} files → dist/ in ${Date.now() - t0} ms`);
