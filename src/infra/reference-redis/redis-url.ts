// Where the reference's Redis listens: `unix:///run/redis-sp-api/redis.sock` (the reference's own socket) or
// `redis://[user:password@]host:port`. The label names the place without any password, for messages.

export interface RedisEndpoint {
  socket: { path: string; tls: false } | { host: string; port: number };
  username?: string;
  password?: string;
  label: string;
}

export const REFERENCE_REDIS_URL = 'unix:///run/redis-sp-api/redis.sock';

/** Parses the --redis URL; throws an Error with a clear message when it is neither form. */
export function parseRedisUrl(text: string): RedisEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Not a Redis URL: use unix:///path/to/redis.sock or redis://host:port`);
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  if (url.protocol === 'unix:' && url.pathname !== '') {
    const path = decodeURIComponent(url.pathname);
    return { socket: { path, tls: false }, username, password, label: `unix://${path}` };
  }
  if (url.protocol === 'redis:' && url.hostname !== '') {
    const port = url.port === '' ? 6379 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return { socket: { host, port }, username, password, label: `redis://${url.host}` };
  }
  throw new Error(`Not a Redis URL: use unix:///path/to/redis.sock or redis://host:port`);
}
