import type { LegacyRoute } from '../legacy-route.js';
import { resticRoutes } from './restic.routes.js';

// The legacy REST routes of the `backups` area (the restic paths), registered in the server's RestRegistry.
export const backupsRestRoutes: LegacyRoute<any>[] = [...resticRoutes];
