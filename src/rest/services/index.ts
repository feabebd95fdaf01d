import type { LegacyRoute } from '../legacy-route.js';
import { servicesRoutes } from './services.routes.js';

// The legacy REST routes of the `services` area, registered in the server's RestRegistry.
export const servicesRestRoutes: LegacyRoute<any>[] = [...servicesRoutes];
