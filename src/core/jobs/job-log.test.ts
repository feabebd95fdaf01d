import { describe, expect, it } from 'vitest';
import { jobPorts } from '../../../test/fakes/in-memory-jobs.js';
import { SharedJobLogFeed } from './job-log-feed.js';
import { type JobLogEvent, followJobLog, followJobLogLines, logCursor, readJobLog } from './job-log.js';
import { startJob } from './job-runner.js';

const SPEC = { typeId: 'test', name: 'Test job', description: 'd' };

function logPorts() {
  const ports = jobPorts();
  return { ...ports, jobLogFeed: new SharedJobLogFeed(ports) };
}

/** A job whose body logs what it is handed through `say` and ends when `finish` is called. */
async function startTalkingJob(ports: ReturnType<typeof logPorts>) {
  let say!: (text: string) => void;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const job = await startJob(ports, SPEC, async (report, running) => {
    say = running.log;
    await report({ progress: 10, statusText: 'Preparing' });
    await done;
    return { result: 'all good' };
  });
  while (!say) await new Promise((resolve) => setTimeout(resolve, 1));
  return { job, say: (text: string) => say(text), finish };
}

const text = (events: JobLogEvent[]) => events.map((event) => (event.kind === 'line' ? event.line.message : `END ${event.end.status} ${event.end.message}`));

async function take(iterator: AsyncIterator<JobLogEvent>, count: number): Promise<JobLogEvent[]> {
  const events: JobLogEvent[] = [];
  while (events.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    events.push(next.value);
  }
  return events;
}

describe('a job log', () => {
  it('keeps status texts and logged lines in order, numbered from 1, with the way the job ended', async () => {
    const ports = logPorts();
    const { job, say, finish } = await startTalkingJob(ports);

    say('first line\nsecond line');
    finish();
    await ports.background.drain();

    const lines = await readJobLog(ports, job.uid);
    expect(lines.map((line) => [logCursor(line), line.message])).toEqual([
      ['1', 'Preparing'],
      ['2', 'first line'],
      ['3', 'second line'],
      ['4', 'Finished: all good'],
    ]);
    expect((await readJobLog(ports, job.uid, '2', 1)).map((line) => line.message)).toEqual(['second line']);
  });

  it('refuses an unknown job with JOB_NOT_FOUND and a malformed cursor with INVALID_INPUT', async () => {
    const ports = logPorts();
    const { job, finish } = await startTalkingJob(ports);

    await expect(readJobLog(ports, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(followJobLog(ports, 'nope')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(readJobLog(ports, job.uid, 'abc')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    finish();
    await ports.background.drain();
  });
});

describe('followJobLog', () => {
  it('replays, follows live lines without gap or repeat, and ends with the job; a second reader resumes after a cursor', async () => {
    const ports = logPorts();
    const { job, say, finish } = await startTalkingJob(ports);
    say('one');
    await new Promise((resolve) => setTimeout(resolve, 5));

    const reader = await followJobLog(ports, job.uid);
    const replayed = await take(reader, 2);
    say('two');
    const live = await take(reader, 1);
    const resumed = await followJobLog(ports, job.uid, '2');
    finish();

    expect(text(replayed)).toEqual(['Preparing', 'one']);
    expect(text(live)).toEqual(['two']);
    expect(text(await take(reader, 10))).toEqual(['Finished: all good', 'END FINISHED all good']);
    expect(text(await take(resumed, 10))).toEqual(['two', 'Finished: all good', 'END FINISHED all good']);
    expect(ports.jobLogFeed.followers(job.uid)).toBe(0);
  });

  it('replays a finished job and ends at once', async () => {
    const ports = logPorts();
    const job = await startJob(ports, SPEC, async () => {
      throw new Error('disk on fire');
    });
    await ports.background.drain();

    const events = await take(await followJobLog(ports, job.uid), 10);

    expect(text(events)).toEqual(['Failed: Error: disk on fire', 'END ERROR Error: disk on fire']);
  });

  it('drops a reader that stops reading with JOB_LOG_READER_TOO_SLOW, while another keeps every line', async () => {
    const ports = logPorts();
    const { job, say, finish } = await startTalkingJob(ports);
    const stalled = await followJobLog(ports, job.uid);
    const reading = await followJobLog(ports, job.uid);
    const read = take(reading, 1 + 1_500 + 2);
    await take(stalled, 1);

    for (let n = 0; n < 1_500; n++) {
      say(`line ${n}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    finish();

    expect((await read).at(-1)).toMatchObject({ kind: 'end' });
    await expect(take(stalled, 2_000)).rejects.toMatchObject({ code: 'JOB_LOG_READER_TOO_SLOW' });
  });
});

describe('returning a followJobLog iterator', () => {
  it('stops following at once while the job is quiet', async () => {
    const ports = logPorts();
    const { job, finish } = await startTalkingJob(ports);
    const reader = await followJobLog(ports, job.uid);
    await take(reader, 1);
    const waiting = reader.next();

    await reader.return!();

    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(ports.jobLogFeed.followers(job.uid)).toBe(0);
    finish();
    await ports.background.drain();
  });
});

describe('followJobLogLines', () => {
  it('hands over the lines after the cursor and completes when the job ends', async () => {
    const ports = logPorts();
    const { job, say, finish } = await startTalkingJob(ports);
    say('one\ntwo');
    const lines = await followJobLogLines(ports, job.uid, '1');
    finish();

    const read: string[] = [];
    for await (const line of lines) read.push(`${logCursor(line)} ${line.message}`);

    expect(read).toEqual(['2 one', '3 two', '4 Finished: all good']);
    expect(ports.jobLogFeed.followers(job.uid)).toBe(0);
  });
});
