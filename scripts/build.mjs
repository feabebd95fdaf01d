// Compiles the TypeScript sources to JavaScript in dist/ (same layout as src/, so paths relative to a module
// stay right), with a ready-made embedded database for first starts. `npm start` runs it when dist/ is missing
// or older than what it is made from; `npm run build` runs it at once. Plain JavaScript: it runs before
// anything is compiled, with runtime dependencies only (`npm ci --omit=dev` is enough).
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written last: its time is the build's; without it, dist/ is an unfinished build. */
const STAMP = '.build-complete';

/** What the build is made of: the sources, the migrations, the compiler settings, the installed packages, this script. */
function inputs(root) {
  const trees = ['src', 'drizzle'].map((dir) => join(root, dir));
  const files = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build.mjs'].map((file) => join(root, file));
  return [...trees.flatMap((tree) => listFiles(tree)), ...files.filter((file) => existsSync(file))];
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** True when `root`/dist is a finished build no older than any of its inputs. */
export function buildIsCurrent(root = ROOT) {
  const stamp = join(root, 'dist', STAMP);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return inputs(root).every((file) => statSync(file).mtimeMs <= built);
}

/** Builds `root`/dist from scratch beside the old one, then swaps it in (a start reading dist/ meanwhile sees a whole build). */
export async function build(root = ROOT) {
  const { buildSync } = await import('esbuild');
  removeAbandoned(root);
  const src = join(root, 'src');
  const out = join(root, `dist.${process.pid}.tmp`);
  const sources = listFiles(src);
  buildSync({
    entryPoints: sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts')),
    outdir: out,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  for (const file of sources.filter((f) => !f.endsWith('.ts'))) {
    const target = join(out, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  const { writePgliteTemplate } = await import(pathToFileURL(join(out, 'infra/db/database.js')).href);
  await writePgliteTemplate(join(out, 'pglite-template'));
  writeFileSync(join(out, STAMP), '');

  const dist = join(root, 'dist');
  const old = join(root, `dist.${process.pid}.old`);
  if (existsSync(dist)) renameSync(dist, old);
  try {
    renameSync(out, dist);
  } catch (err) {
    // Another build finished first: its dist/ is as good as ours.
    if (!existsSync(join(dist, STAMP))) throw err;
    rmSync(out, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

/** What builds that were killed left behind (dist.<pid>.tmp, dist.<pid>.old of a process that is gone, or old). */
function removeAbandoned(root) {
  for (const name of readdirSync(root)) {
    const pid = /^dist\.(\d+)\.(tmp|old)$/.exec(name)?.[1];
    if (!pid) continue;
    const stale = Date.now() - statSync(join(root, name)).mtimeMs > 3_600_000; // its pid may be another process's by now
    if (Number(pid) === process.pid || stale || !isRunning(Number(pid))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? ROOT;
  const started = Date.now();
  await build(root);
  console.error(`built ${relative(process.cwd(), join(root, 'dist')) || 'dist'} in ${Date.now() - started} ms`);
}
