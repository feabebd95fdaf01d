import { ServicesMutationsResolver, ServicesRootMutationsResolver } from './services-mutations.resolver.js';
import {
  RequiredDnsRecordsResolver,
  ServiceFieldsResolver,
  ServicesQueryResolver,
  StorageVolumeUsagesResolver,
} from './services.resolver.js';

// The resolver classes of the `services` area, registered in ../build-schema.ts.
export const servicesResolvers: Function[] = [
  ServicesQueryResolver,
  ServiceFieldsResolver,
  StorageVolumeUsagesResolver,
  RequiredDnsRecordsResolver,
  ServicesMutationsResolver,
  ServicesRootMutationsResolver,
];
