import { ApiMutationsResolver, ApiResolver, ApiRootMutationsResolver } from './api.resolver.js';

// The resolver classes of the `auth` area (the contract's `api` namespace), registered in ../build-schema.ts.
export const authResolvers: Function[] = [ApiResolver, ApiMutationsResolver, ApiRootMutationsResolver];
