import type { LegacyRoute } from '../legacy-route.js';
import { sshRoutes } from './ssh.routes.js';

// The legacy REST routes of the `ssh` area (keys), registered in the server's RestRegistry.
export const sshRestRoutes: LegacyRoute<any>[] = [...sshRoutes];
