import { request } from 'node:http';
import { serveRequests } from './children.js';
import { LineTally } from './line-tally.js';

/**
 * One follower of a task's log over server-sent events (`GET /tasks/<id>/logstream`), counting the
 * numbered lines it receives; each chunk's arrival time is taken first thing in its data event.
 */
function follow(baseUrl: string, token: string, uid: string, lines: number, idleMs: number, timeoutMs: number) {
  const tally = new LineTally(lines);
  return new Promise((resolve, reject) => {
    let pending = '';
    let end: string | undefined;
    const problems: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (timedOut: boolean) => {
      clearInterval(timer);
      req.destroy();
      resolve({ ...tally.summary(), timedOut, end, problems: problems.slice(0, 5) });
    };
    const started = performance.now();
    const req = request(`${baseUrl}/tasks/${encodeURIComponent(uid)}/logstream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`logstream answered ${res.statusCode}`));
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        pending += chunk;
        const cut = pending.lastIndexOf('\n\n');
        if (cut < 0) return;
        const events = pending.slice(0, cut);
        pending = pending.slice(cut + 2);
        tally.add(events, at);
        const endAt = events.indexOf('event: end');
        if (endAt >= 0) end = events.slice(endAt).split('\n').find((l) => l.startsWith('data:'))?.slice(5).trim();
        if (events.includes('event: error')) problems.push(events.slice(events.indexOf('event: error'), events.indexOf('event: error') + 300));
        if (end !== undefined) finish(false);
      });
      res.on('end', () => finish(false));
    });
    req.on('error', (err) => (tally.received > 0 ? finish(false) : reject(err)));
    req.end();
    timer = setInterval(() => {
      const now = performance.now();
      if (now - started > timeoutMs) finish(true);
      else if (tally.received > 0 && now - tally.lastArrival > idleMs) finish(false);
    }, 100);
  });
}

serveRequests(async (m) => {
  if (m.type === 'follow') return follow(m.url as string, m.token as string, m.uid as string, m.lines as number, m.idleMs as number, m.timeoutMs as number);
  throw new Error(`unknown request ${String(m.type)}`);
});
