import type { LegacyRoute } from './legacy-route.js';

// The legacy REST paths of the `system` area.
export const systemRoutes: LegacyRoute<any>[] = [];
