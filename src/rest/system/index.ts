import type { LegacyRoute } from '../legacy-route.js';
import { sshSettingsRoutes } from './ssh-settings.routes.js';
import { systemConfigurationRoutes, systemInfoRoutes } from './system.routes.js';

// The legacy REST routes of the `system` area (and the SSH daemon settings, which the reference kept with them),
// registered in the server's RestRegistry.
export const systemRestRoutes: LegacyRoute<any>[] = [...systemConfigurationRoutes, ...systemInfoRoutes, ...sshSettingsRoutes];
