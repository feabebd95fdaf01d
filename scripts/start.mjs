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
// graphql-js chooses, once as it loads, whether each type check also looks for a second copy of graphql
// (a development aid costing about a tenth of a large query's execution): it skips it when NODE_ENV is
// "production". It is loaded here with that value, which is then put back as it was, so that nothing
// else (Apollo's landing page, express) sees a NODE_ENV other than the one the API was started with.
const nodeEnv = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';
try {
  await import('graphql');
} finally {
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
}
await import(pathToFileURL(join(ROOT, 'dist/main.js')).href);
