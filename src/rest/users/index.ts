import type { LegacyRoute } from '../legacy-route.js';
import { usersRoutes } from './users.routes.js';

// The legacy REST routes of the `users` area, registered in the server's RestRegistry.
export const usersRestRoutes: LegacyRoute<any>[] = [...usersRoutes];

// The password-reset link's page, mounted by the server outside the registry (public, HTML or JSON).
export { PASSWORD_RESET_PATH, passwordResetBodies, passwordResetRouter } from './password-reset.router.js';
