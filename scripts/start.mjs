// `npm start`: runs the compiled API (dist/main.js) in this very process, building dist/ first when it is
// missing or older than the sources. The build runs in a child process, so that what it loads (the compiler,
// a database it prepares) is not kept by the server.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, buildIsCurrent } from './build.mjs';

if (!buildIsCurrent(ROOT)) {
  console.error('building dist/ from the sources (once after an install or a change)');
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(pathToFileURL(join(ROOT, 'dist/main.js')).href);
