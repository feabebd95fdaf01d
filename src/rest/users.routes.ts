import type { LegacyRoute } from './legacy-route.js';

// The legacy REST paths of the `users` area.
export const usersRoutes: LegacyRoute<any>[] = [];
