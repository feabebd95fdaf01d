import { z } from 'zod';
import { cancelJob } from '../../core/jobs/job-cancellation.js';
import { readWholeJobLog } from '../../core/jobs/job-log.js';
import { pageOfJobs } from '../../core/jobs/job-pages.js';
import { requireJob } from '../../core/jobs/jobs.js';
import { field } from '../legacy-fields.js';
import { UNAUTHORIZED, legacyRoute, streamRoute } from '../legacy-route.js';
import { streamTaskLog } from './task-log-stream.js';
import { taskSchema, toTask } from './task-view.js';

const tag = 'Tasks';
const STOP_REASON = 'stopped through the API';
const errorBody = z.object({ error: z.string() });
const NOT_FOUND = { description: 'No such task', body: errorBody };

// Cloudron's task API (/tasks, /tasks/{id}, its logs, logstream and stop) over our jobs.
export const tasksRoutes = [
  legacyRoute({
    method: 'get',
    path: '/tasks',
    summary: 'List tasks (jobs), newest first',
    tag,
    fields: {
      page: field.integer({ description: 'Page number, from 1 (default 1)' }),
      per_page: field.integer({ description: 'Tasks per page, 1 to 100 (default 25)' }),
      type: field.string({ description: 'Only tasks of this type (a job type id such as system.nixos.rebuild)' }),
    },
    responses: {
      200: { description: 'One page of tasks', body: z.object({ tasks: z.array(taskSchema) }) },
      400: { description: 'A page below 1 or a page size outside 1..100', body: errorBody },
      401: UNAUTHORIZED,
    },
    async handle({ deps, fields }) {
      const jobs = await pageOfJobs(deps, { page: fields.page, perPage: fields.per_page, typeId: fields.type });
      return { status: 200, body: { tasks: jobs.map(toTask) } };
    },
  }),

  legacyRoute({
    method: 'get',
    path: '/tasks/{id}',
    summary: 'Get a task',
    tag,
    responses: { 200: { description: 'The task', body: taskSchema }, 401: UNAUTHORIZED, 404: NOT_FOUND },
    async handle({ deps, params }) {
      return { status: 200, body: toTask(await requireJob(deps, params.id!)) };
    },
  }),

  streamRoute({
    method: 'get',
    path: '/tasks/{id}/logs',
    summary: "A task's log so far, one line per line: `<ISO timestamp> <message>`",
    tag,
    responses: { 200: { description: 'The log', contentType: 'text/plain', body: z.string() }, 401: UNAUTHORIZED, 404: NOT_FOUND },
    async respond({ deps, params }, { res }) {
      const lines = await readWholeJobLog(deps, params.id!);
      res.status(200).type('text/plain; charset=utf-8');
      for await (const line of lines) {
        // waits for a slow reader instead of buffering the whole log
        if (!res.write(`${line.timestamp.toISOString()} ${line.message}\n`)) await new Promise((resolve) => res.once('drain', resolve));
        if (res.destroyed) return;
      }
      res.end();
    },
  }),

  streamRoute({
    method: 'get',
    path: '/tasks/{id}/logstream',
    summary: "A task's log as server-sent events: replays, follows, ends with the task",
    description:
      'Each line is an event whose `id` is its cursor and whose data is `{"timestamp","message"}`. Replays the lines after ' +
      'the `Last-Event-ID` header (or `after`), then follows; when the task ends, a last `end` event ' +
      '(`{"status":"FINISHED"|"ERROR"|"REMOVED","message"}`) and the stream closes. A client that reads too slowly gets an ' +
      '`error` event and is disconnected; a reconnect with Last-Event-ID loses nothing and repeats nothing.',
    tag,
    fields: { after: field.string({ description: 'Resume after this cursor (the Last-Event-ID header wins)' }) },
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream', body: z.string() },
      400: { description: 'An invalid cursor', body: errorBody },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
    async respond({ deps, params }, { req, res }) {
      await streamTaskLog(deps, params.id!, req, res);
    },
  }),

  legacyRoute({
    method: 'post',
    path: '/tasks/{id}/stop',
    summary: 'Stop a running task: its work and commands stop, it ends as ERROR "Job cancelled: stopped through the API"',
    tag,
    responses: {
      204: { description: 'Stopping' },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
      409: { description: 'The task has already ended', body: errorBody },
    },
    async handle({ deps, params }) {
      await cancelJob(deps, params.id!, STOP_REASON);
      return { status: 204, body: undefined };
    },
  }),
];
