import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { configurationItems } from '../../core/services/service-config.js';
import { dnsRecordsOf, requiredDnsRecords, serviceDnsRecords } from '../../core/services/service-dns.js';
import {
  isServiceEnabled,
  isServiceInstalled,
  servicesOnVolume,
  serviceUrl,
  statusOf,
  type StorageUsage,
  storageUsageFrom,
  storageUsageOf,
} from '../../core/services/service-fields.js';
import { serviceStatus } from '../../core/services/service-status.js';
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

/** The Service fields selected under `selectionSet` (through fragments too), by name. */
function selectedFields(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, into = new Set<string>()): Set<string> {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === 'Field') into.add(selection.name.value);
    else if (selection.kind === 'InlineFragment') selectedFields(selection.selectionSet, info, into);
    else selectedFields(info.fragments[selection.name.value]?.selectionSet, info, into);
  }
  return into;
}

/**
 * Reads, once for the request, the facts the selected fields need, so each service's fields answer at once
 * (no promise per field). Only what is selected is read: a query without `status` runs no systemctl.
 */
async function preload(snapshot: ServicesSnapshot, info: GraphQLResolveInfo): Promise<void> {
  const fields = new Set<string>();
  for (const node of info.fieldNodes) selectedFields(node.selectionSet, info, fields);
  const facts: Promise<unknown>[] = [snapshot.userData(), snapshot.installedIds()];
  if (fields.has('status')) facts.push(snapshot.unitStates());
  if (fields.has('storageUsage')) facts.push(snapshot.folderSizes(), snapshot.volumes());
  if (fields.has('dnsRecords')) facts.push(snapshot.addresses(), snapshot.userData().then((u) => snapshot.dkimRecord(u.domain ?? '')));
  // a fact that cannot be read fails the fields that need it, each on its own, as without this
  await Promise.all(facts.map((fact) => fact.catch(() => undefined)));
}

function toStorageUsage(definition: ServiceDefinition, service: Service, usage: StorageUsage): ServiceStorageUsage {
  return Object.assign(new ServiceStorageUsage(), {
    usedSpace: usage.usedSpace,
    volume: usage.volume ? toStorageVolume(usage.volume) : null,
    title: definition.displayName,
    service,
  });
}

async function storageUsage(snapshot: ServicesSnapshot, definition: ServiceDefinition, service: Service): Promise<ServiceStorageUsage> {
  return toStorageUsage(definition, service, await storageUsageOf(snapshot, definition));
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
  async allServices(@Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<Service[]> {
    const snapshot = snapshotFor(ctx);
    const definitions = await coreQuery(() => snapshot.services());
    await preload(snapshot, info);
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
  status(@Root() service: Service): ServiceStatusEnum | Promise<ServiceStatusEnum> {
    if (service.orphaned) return ServiceStatusEnum.OFF;
    const states = service.snapshot.loadedFact('unitStates');
    if (states) return serviceStatus(service.definition, states) as ServiceStatusEnum;
    return statusOf(service.snapshot, service.definition) as Promise<ServiceStatusEnum>;
  }

  @FieldResolver(() => String, { nullable: true })
  url(@Root() service: Service): string | null | Promise<string | null> {
    return withUserData(service, (userData) => serviceUrl(service.definition, userData));
  }

  @FieldResolver(() => [DnsRecord], { nullable: true })
  dnsRecords(@Root() service: Service): DnsRecord[] | null | Promise<DnsRecord[] | null> {
    if (service.orphaned) return null;
    const { snapshot, definition } = service;
    const userData = snapshot.loadedUserData();
    const ip = snapshot.loadedFact('addresses');
    const domain = userData?.domain ?? '';
    if (userData && ip && (definition.kind !== 'mail' || snapshot.hasDkimRecord(domain))) {
      return dnsRecordsOf(definition, userData, ip, snapshot.loadedFact(`dkim ${domain}`) as string | undefined);
    }
    return serviceDnsRecords(snapshot, definition);
  }

  @FieldResolver(() => ServiceStorageUsage)
  storageUsage(@Root() service: Service): ServiceStorageUsage | Promise<ServiceStorageUsage> {
    const { snapshot, definition } = service;
    const [sizes, userData, volumes] = [snapshot.loadedFact('folderSizes'), snapshot.loadedUserData(), snapshot.loadedFact('volumes')];
    if (sizes && userData && volumes) return toStorageUsage(definition, service, storageUsageFrom(definition, sizes, userData, volumes));
    return storageUsage(snapshot, definition, service);
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
