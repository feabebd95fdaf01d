// SHA-512 crypt in a worker thread, so a long password never blocks the API's event loop.
// Plain JavaScript: a worker starts outside the TypeScript loader the API runs under.
import { parentPort } from 'node:worker_threads';
import { encrypt } from 'unixcrypt';

parentPort.on('message', ({ id, password, salt }) => {
  try {
    parentPort.postMessage({ id, hash: encrypt(password, `$6$${salt}`) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
