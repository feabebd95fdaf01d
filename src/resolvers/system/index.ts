import { SystemMutationsResolver, SystemRootMutationsResolver } from './system-mutations.resolver.js';
import { SystemResolver, SystemSettingsResolver } from './system.resolver.js';

// The resolver classes of the `system` area, registered in ../build-schema.ts.
export const systemResolvers: Function[] = [SystemResolver, SystemSettingsResolver, SystemMutationsResolver, SystemRootMutationsResolver];
