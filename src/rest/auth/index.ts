import type { LegacyRoute } from '../legacy-route.js';
import { authRoutes } from './auth.routes.js';
import { versionRoutes } from './version.routes.js';

// The legacy REST routes of the `auth` area (`/api/version` beside the `api` namespace, then `/auth/...`),
// registered in the server's RestRegistry.
export const authRestRoutes: LegacyRoute<any>[] = [...versionRoutes, ...authRoutes];
