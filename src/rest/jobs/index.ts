import type { RestRoute } from '../legacy-route.js';
import { tasksRoutes } from './tasks.routes.js';

// The REST routes of the `jobs` area (Cloudron's task API over jobs), registered in the server's RestRegistry.
export const jobsRestRoutes: RestRoute[] = [...tasksRoutes];
