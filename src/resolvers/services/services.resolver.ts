import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { configurationItems } from '../../core/services/service-config.js';
import { requiredDnsRecords, serviceDnsRecords } from '../../core/services/service-dns.js';
import {
  isServiceEnabled,
  isServiceInstalled,
  servicesOnVolume,
  serviceUrl,
  statusOf,
  storageUsageOf,
} from '../../core/services/service-fields.js';
import type { ServicesSnapshot } from '../../core/services/service-snapshot.js';
import type { ServiceDefinition } from '../../core/services/service-types.js';
import type { UserData } from '../../core/userdata/userdata-types.js';
import { ConfigItem } from '../../schema/services/service-config.type.js';
import {
  DnsRecord,
  Service,
  ServiceStatusEnum,
  ServiceStorageUsage,
  Services,
  StorageUsageInterface,
} from '../../schema/services/service.type.js';
import { StorageVolume } from '../../schema/storage/storage-volume.type.js';
import { SystemDomainInfo } from '../../schema/system/system-domain-info.type.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';
import { snapshotFor, toService } from './service-view.js';
import { toStorageVolume } from '../storage/storage.resolver.js';

/** `answer` of the request's userdata: at once when it has been read, else once it is. */
function withUserData<T>(service: Service, answer: (userData: UserData) => T): T | Promise<T> {
  const userData = service.snapshot.loadedUserData();
  return userData ? answer(userData) : service.snapshot.userData().then(answer);
}

async function storageUsage(snapshot: ServicesSnapshot, definition: ServiceDefinition, service: Service): Promise<ServiceStorageUsage> {
  const usage = await storageUsageOf(snapshot, definition);
  return Object.assign(new ServiceStorageUsage(), {
    usedSpace: usage.usedSpace,
    volume: usage.volume ? toStorageVolume(usage.volume) : null,
    title: definition.displayName,
    service,
  });
}

@Resolver(() => Services)
export class ServicesQueryResolver {
  @Authorized()
  @Query(() => Services)
  services(): Services {
    return new Services();
  }

  /** Every service, sorted by display name (code-point order, as the reference sorts). */
  @Authorized()
  @FieldResolver(() => [Service])
  async allServices(@Ctx() ctx: GqlContext): Promise<Service[]> {
    const snapshot = snapshotFor(ctx);
    // The userdata and the installed modules (files, no host process) are read once here, so the fields of
    // every service that only need them answer at once instead of each waiting on a promise.
    const definitions = await coreQuery(() => snapshot.services());
    await Promise.all([snapshot.userData(), snapshot.installedIds()]).catch(() => undefined); // a failure is each field's to report
    const services = definitions.map((d) => toService(d, snapshot));
    return services.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
  }
}

@Resolver(() => Service)
export class ServiceFieldsResolver {
  @FieldResolver(() => Boolean)
  isEnabled(@Root() service: Service): boolean | Promise<boolean> {
    if (service.orphaned) return false;
    return withUserData(service, (userData) => isServiceEnabled(service.definition, userData));
  }

  @FieldResolver(() => Boolean)
  isInstalled(@Root() service: Service): boolean | Promise<boolean> {
    if (service.orphaned) return false;
    const userData = service.snapshot.loadedUserData();
    const installed = service.snapshot.loadedInstalledIds();
    if (userData && installed !== undefined) return isServiceInstalled(service.definition, userData, installed ?? undefined);
    return Promise.all([service.snapshot.userData(), service.snapshot.installedIds()]).then(([data, ids]) =>
      isServiceInstalled(service.definition, data, ids),
    );
  }

  @FieldResolver(() => ServiceStatusEnum)
  async status(@Root() service: Service): Promise<ServiceStatusEnum> {
    if (service.orphaned) return ServiceStatusEnum.OFF;
    return (await statusOf(service.snapshot, service.definition)) as ServiceStatusEnum;
  }

  @FieldResolver(() => String, { nullable: true })
  url(@Root() service: Service): string | null | Promise<string | null> {
    return withUserData(service, (userData) => serviceUrl(service.definition, userData));
  }

  @FieldResolver(() => [DnsRecord], { nullable: true })
  async dnsRecords(@Root() service: Service): Promise<DnsRecord[] | null> {
    if (service.orphaned) return null;
    return serviceDnsRecords(service.snapshot, service.definition);
  }

  @FieldResolver(() => ServiceStorageUsage)
  storageUsage(@Root() service: Service): Promise<ServiceStorageUsage> {
    return storageUsage(service.snapshot, service.definition, service);
  }

  @FieldResolver(() => [ConfigItem], { nullable: true })
  configuration(@Root() service: Service): ConfigItem[] | null | Promise<ConfigItem[] | null> {
    return withUserData(service, (userData) => configurationItems(service.definition, userData));
  }
}

/** StorageVolume.usages: the services whose data is on the volume (§11.2). */
@Resolver(() => StorageVolume)
export class StorageVolumeUsagesResolver {
  @FieldResolver(() => [StorageUsageInterface])
  async usages(@Root() volume: StorageVolume, @Ctx() ctx: GqlContext): Promise<StorageUsageInterface[]> {
    const snapshot = snapshotFor(ctx);
    const services = await servicesOnVolume(snapshot, volume.name);
    return Promise.all(services.map((definition) => storageUsage(snapshot, definition, toService(definition, snapshot))));
  }
}

/** SystemDomainInfo.requiredDnsRecords (§4.1.1). */
@Resolver(() => SystemDomainInfo)
export class RequiredDnsRecordsResolver {
  @FieldResolver(() => [DnsRecord])
  requiredDnsRecords(@Ctx() ctx: GqlContext): Promise<DnsRecord[]> {
    return requiredDnsRecords(ctx.deps, snapshotFor(ctx));
  }
}
