import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chmod, lstat, readdir, rename, unlink } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** The socket the process holding DATA_DIR listens on; a server also answers the CLI's requests there. */
export const CONTROL_SOCKET = 'api.sock';

const CANDIDATE = /^api\.sock\.[0-9a-f]{8}$/;
const PROBE_TIMEOUT_MS = 2_000;
const MAX_ATTEMPTS = 50;
const MAX_UNIX_PATH = 107; // sun_path is 108 bytes with the terminating NUL

export interface DataDirLock {
  /** Where the holder listens. */
  path: string;
  /** Hands the connections to `handler` from now on (until then each is closed at once). */
  serve(handler: (socket: Socket) => void): void;
  release(): Promise<void>;
}

/**
 * PGlite allows one process per data directory. The holder listens on a unix socket under DATA_DIR: an
 * accepted connection means a live holder, a refused one a holder that is gone (the kernel closes a dead
 * process's sockets, even while it lingers as a zombie), so a restart after a crash is instant.
 *
 * Taking it: listen on a socket of one's own, make it visible as a candidate, then look at every other socket
 * in DATA_DIR. Whoever finds none alive has won and renames its candidate over `api.sock` (replacing a dead
 * one). Of two starters the later to look always sees the other's live socket, so both cannot win; dead sockets
 * have names no one reuses, so removing them is safe.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, CONTROL_SOCKET);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const mine = await listenAsCandidate(dataDir);
    const others = await liveSockets(dataDir, mine.name);
    if (others.length === 0) {
      await rename(mine.path, path);
      return { path, serve: (handler) => serve(mine.server, handler), release: () => release(mine.server, path, mine.ino) };
    }
    await withdraw(mine);
    if (others.includes(CONTROL_SOCKET)) break;
    // Only other starters, none holding yet: step back for a random while and look again.
    await new Promise((resolve) => setTimeout(resolve, randomInt(5, 50)));
  }
  throw inUse(dataDir);
}

interface Candidate {
  name: string;
  path: string;
  ino: number;
  server: Server;
}

// Listening starts under a name nobody looks at: a socket is bound before it listens, and a probe in between
// would take it for dead. Only a listening socket is renamed to a candidate's name.
async function listenAsCandidate(dataDir: string): Promise<Candidate> {
  const name = `${CONTROL_SOCKET}.${randomBytes(4).toString('hex')}`;
  const path = join(dataDir, name);
  const staging = `${path}.new`;
  if (Buffer.byteLength(staging) > MAX_UNIX_PATH) {
    throw new Error(`DATA_DIR ${dataDir} is too long for its control socket: keep it under ${MAX_UNIX_PATH - 22} bytes`);
  }
  const server = await listen(staging);
  await chmod(staging, 0o600);
  const { ino } = await lstat(staging);
  await rename(staging, path);
  return { name, path, ino, server };
}

/** The names of the other sockets in DATA_DIR that accept connections; dead candidates are removed on the way. */
async function liveSockets(dataDir: string, mine: string): Promise<string[]> {
  const names = (await readdir(dataDir)).filter((n) => n !== mine && (n === CONTROL_SOCKET || CANDIDATE.test(n)));
  const alive = await Promise.all(names.map((n) => isAlive(join(dataDir, n))));
  const dead = names.filter((n, i) => !alive[i] && n !== CONTROL_SOCKET); // only the winner replaces api.sock
  await Promise.all(dead.map((n) => unlink(join(dataDir, n)).catch(() => {})));
  return names.filter((_, i) => alive[i]);
}

async function withdraw(candidate: Candidate): Promise<void> {
  await unlink(candidate.path).catch(() => {});
  await closeServer(candidate.server);
}

/** Whether a process accepts connections on the socket at `path`. */
function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(true)); // busy, not gone
    socket.once('connect', () => done(true));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'));
  });
}

function listen(path: string): Promise<Server> {
  // Nothing is served yet: a connection only proves that the holder is alive. Half-open: a client may end its
  // side once its request is sent and still read the answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => socket.destroy());
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function serve(server: Server, handler: (socket: Socket) => void): void {
  server.removeAllListeners('connection'); // the listener that only proved the holder alive
  server.on('connection', handler);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function release(server: Server, path: string, ino: number): Promise<void> {
  await closeServer(server);
  // The socket was bound under another name: closing it does not remove `api.sock`.
  const current = await lstat(path).catch(() => undefined);
  if (current?.ino === ino) await unlink(path).catch(() => {});
}

function inUse(dataDir: string): DataDirInUseError {
  return new DataDirInUseError(
    `The embedded database in ${dataDir} is in use by another process (most likely the running API server). ` +
      'PGlite allows one process at a time: stop the server first, or point DATABASE_URL at PostgreSQL.',
  );
}
