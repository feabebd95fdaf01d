import { createServer } from 'node:http';
import { serveRequests } from './children.js';

/**
 * The ceiling: a bare node:http server in its own process answering every request with the status,
 * content type and body bytes the API gave for the same request. Nothing is cheaper on this machine.
 */
serveRequests(async (message) => {
  const status = message.status as number;
  const contentType = message.contentType as string;
  const body = Buffer.from(message.bodyBase64 as string, 'base64');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': contentType, 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port };
});
