import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { CoreError } from '../core/errors.js';
import type { Deps } from '../core/ports.js';
import { API_VERSION } from '../core/version.js';
import { type FieldSpec, fieldsSchema, readFields } from './legacy-fields.js';
import type { LegacyReply, LegacyRequest, LegacyRoute, RestRoute, StreamRoute } from './legacy-route.js';
import { requestCaller } from './rest-auth.js';

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

// What a declared path matches: each `{param}` one non-empty segment.
const routePattern = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** Builds the express router for the legacy routes and the OpenAPI document from the same declarations. */
export class RestRegistry {
  private readonly routes: (LegacyRoute<FieldSpec> | StreamRoute<FieldSpec>)[] = [];

  add(...routes: RestRoute[]): this {
    this.routes.push(...routes);
    return this;
  }

  router(deps: Deps): Router {
    // Legacy paths match exactly: no trailing-slash variant, case-sensitive (express defaults to neither).
    const router = Router({ strict: true, caseSensitive: true });
    for (const route of this.routes) router[route.method](expressPath(route.path), this.handler(route, deps));
    return router;
  }

  /**
   * The handlers of the paths without parameters, by `METHOD /path` (GET, POST ...): the ones the router
   * above would pick for exactly that path, i.e. not hidden by an earlier route whose pattern matches it.
   */
  exactHandlers(deps: Deps): Map<string, RequestHandler> {
    const handlers = new Map<string, RequestHandler>();
    this.routes.forEach((route, index) => {
      if (pathParams(route.path).length > 0) return;
      const hidden = this.routes.slice(0, index).some((earlier) => earlier.method === route.method && routePattern(earlier.path).test(route.path));
      const key = `${route.method.toUpperCase()} ${route.path}`;
      if (!hidden && !handlers.has(key)) handlers.set(key, this.handler(route, deps));
    });
    return handlers;
  }

  private handler(route: RestRoute, deps: Deps): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        if ('respond' in route) return await route.respond(this.request(route, req, deps), { req, res });
        const reply = await this.answer(route, req, deps);
        res.status(reply.status).json(reply.body);
      } catch (err) {
        if (res.headersSent) return void res.destroy(); // too late for an error answer
        next(err);
      }
    };
  }

  /** The methods served at a concrete request path (for 405 answers). */
  methodsFor(requestPath: string): string[] {
    return this.routes
      .filter((route) => routePattern(route.path).test(requestPath))
      .map((route) => route.method.toUpperCase());
  }

  openApiDocument(): object {
    const registry = new OpenAPIRegistry();
    const bearerAuth = registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
    for (const route of this.routes) {
      const params = pathParams(route.path);
      const fields = route.fields && Object.keys(route.fields).length > 0 ? fieldsSchema(route.fields) : undefined;
      const inQuery = route.method === 'get';
      registry.registerPath({
        method: route.method,
        path: route.path,
        summary: route.summary,
        description: route.description,
        tags: [route.tag],
        security: route.public ? [] : [{ [bearerAuth.name]: [] }],
        request: {
          params: params.length ? z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) : undefined,
          query: fields && inQuery ? fields : undefined,
          body: fields && !inQuery ? { content: { 'application/json': { schema: fields } } } : undefined,
        },
        responses: Object.fromEntries(
          Object.entries(route.responses).map(([status, r]) => [
            status,
            { description: r.description, content: r.body ? { [r.contentType ?? 'application/json']: { schema: r.body } } : undefined },
          ]),
        ),
      });
    }
    return new OpenApiGeneratorV3(registry.definitions).generateDocument({
      openapi: '3.0.3',
      info: {
        title: 'SelfPrivacy server API (legacy REST)',
        version: API_VERSION,
        description: 'The legacy REST paths. The full API is GraphQL at /graphql.',
      },
    });
  }

  private request(route: RestRoute, req: Request, deps: Deps): LegacyRequest<FieldSpec> {
    return {
      fields: readFields(req, route.fields ?? {}, route.reportAllMissing, route.bareStringField),
      params: req.params as Record<string, string>,
      caller: requestCaller(req),
      clientKey: req.ip ?? 'unknown',
      deps,
    };
  }

  private async answer(route: LegacyRoute<FieldSpec>, req: Request, deps: Deps): Promise<LegacyReply> {
    const request = this.request(route, req, deps);
    try {
      return await route.handle(request);
    } catch (err) {
      const worded = err instanceof CoreError ? route.errors?.[err.code] : undefined;
      if (worded) return worded;
      throw err;
    }
  }
}
