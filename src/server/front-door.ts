import { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, Response } from 'express';

/** A handler as express calls it; a returned promise that rejects is an error, as in express 5. */
type Step = (req: Request, res: Response, next: NextFunction) => unknown;

export interface FrontDoorOptions {
  /** Everything not served below. */
  app: Express;
  /** Runs first for every request, express's included (the access log). */
  always: (req: IncomingMessage, res: ServerResponse) => void;
  /** The steps of POST and GET /graphql, in express's order. */
  graphql: Step[];
  /** Exact `METHOD /path` keys, each with the steps express would run for it. */
  exact: Map<string, Step[]>;
  /** Where an error of any step ends (the app's own error handler). */
  errors: ErrorRequestHandler;
}

/**
 * The HTTP server's request handler. The busiest paths (GraphQL over HTTP, the legacy paths without
 * parameters) run the same steps the express app runs for them, in the same order, with express's own
 * request and response methods, but without walking the app's middleware stack and routers; every
 * other request is handed to the express app unchanged.
 */
export function frontDoor(options: FrontDoorOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { app, always, graphql, exact, errors } = options;
  return (req, res) => {
    always(req, res);
    const url = req.url ?? '';
    if (url.charCodeAt(0) === 47 /* / */) {
      const queryStart = url.indexOf('?');
      const path = queryStart < 0 ? url : url.slice(0, queryStart);
      const method = req.method ?? '';
      const steps = path === '/graphql' && (method === 'POST' || method === 'GET') ? graphql : exact.get(`${method} ${path}`);
      if (steps) return run(app, req, res, steps, errors);
    }
    app(req as Request, res as Response);
  };
}

/**
 * Request and response classes for node:http (its `IncomingMessage` and `ServerResponse` options) whose
 * objects inherit the express app's request and response methods once `adopt(app)` has run (the app's
 * prototypes are put under the classes' own). Express sets both objects' prototypes on every request
 * otherwise, and an object whose prototype changes after its creation loses what V8 had learnt about its
 * shape, in node's HTTP code as much as in express's: about two thirds of the server's CPU for
 * `GET /api/version`. (A constructor whose `prototype` is the app's, through Reflect.construct, measured as
 * slow as the swap.) Until then, and for a server not created with them, every request is adopted as express
 * adopts it.
 */
export function appHttpClasses() {
  class AppRequest extends IncomingMessage {}
  class AppResponse<Req extends IncomingMessage = IncomingMessage> extends ServerResponse<Req> {}
  return {
    IncomingMessage: AppRequest as typeof IncomingMessage,
    ServerResponse: AppResponse as typeof ServerResponse,
    adopt(app: Express): void {
      Object.setPrototypeOf(AppRequest.prototype, app.request);
      Object.setPrototypeOf(AppResponse.prototype, app.response);
    },
  };
}

// What express's app.handle and router do to a request before the first handler sees it.
function adopt(app: Express, req: IncomingMessage, res: ServerResponse): [Request, Response] {
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  if (!Object.prototype.isPrototypeOf.call(app.request, req)) Object.setPrototypeOf(req, app.request);
  if (!Object.prototype.isPrototypeOf.call(app.response, res)) Object.setPrototypeOf(res, app.response);
  if (!response.locals) response.locals = Object.create(null) as Response['locals'];
  request.originalUrl ||= request.url;
  request.baseUrl = '';
  request.params = {};
  return [request, response];
}

function run(app: Express, req: IncomingMessage, res: ServerResponse, steps: Step[], errors: ErrorRequestHandler): void {
  const [request, response] = adopt(app, req, res);
  let index = 0;
  let failed = false;
  const fail = (err: unknown) => {
    if (failed) return; // express's error handler runs once; a second failure has nowhere to go
    failed = true;
    try {
      errors(err, request, response, () => undefined);
    } catch {
      response.destroy();
    }
  };
  const next: NextFunction = (err?: unknown) => {
    if (err !== undefined && err !== null) return fail(err);
    const step = steps[index++];
    if (!step) return;
    try {
      const result = step(request, response, next);
      if (result instanceof Promise) result.then(undefined, (rejected: unknown) => next(rejected ?? new Error('Rejected promise')));
    } catch (thrown) {
      next(thrown);
    }
  };
  next();
}
