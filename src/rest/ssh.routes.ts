import type { LegacyRoute } from './legacy-route.js';

// The legacy REST paths of the `ssh` area.
export const sshRoutes: LegacyRoute<any>[] = [];
