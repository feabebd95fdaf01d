import type { LegacyRoute } from './legacy-route.js';

// The legacy REST paths of the `services` area.
export const servicesRoutes: LegacyRoute<any>[] = [];
