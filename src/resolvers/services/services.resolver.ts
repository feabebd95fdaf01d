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
    const services = (await coreQuery(() => snapshot.services())).map((d) => toService(d, snapshot));
    return services.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
  }
}

@Resolver(() => Service)
export class ServiceFieldsResolver {
  @FieldResolver(() => Boolean)
  async isEnabled(@Root() service: Service): Promise<boolean> {
    if (service.orphaned) return false;
    return isServiceEnabled(service.definition, await service.snapshot.userData());
  }

  @FieldResolver(() => Boolean)
  async isInstalled(@Root() service: Service): Promise<boolean> {
    if (service.orphaned) return false;
    const [userData, installed] = await Promise.all([service.snapshot.userData(), service.snapshot.installedIds()]);
    return isServiceInstalled(service.definition, userData, installed);
  }

  @FieldResolver(() => ServiceStatusEnum)
  async status(@Root() service: Service): Promise<ServiceStatusEnum> {
    if (service.orphaned) return ServiceStatusEnum.OFF;
    return (await statusOf(service.snapshot, service.definition)) as ServiceStatusEnum;
  }

  @FieldResolver(() => String, { nullable: true })
  async url(@Root() service: Service): Promise<string | null> {
    return serviceUrl(service.definition, await service.snapshot.userData());
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
  async configuration(@Root() service: Service): Promise<ConfigItem[] | null> {
    return configurationItems(service.definition, await service.snapshot.userData());
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
