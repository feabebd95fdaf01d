import type { RestRoute } from '../legacy-route.js';
import { serviceLogsRoutes } from './service-logs.routes.js';

// The REST routes of the `logs` area, registered in the server's RestRegistry.
export const logsRestRoutes: RestRoute[] = [...serviceLogsRoutes];
