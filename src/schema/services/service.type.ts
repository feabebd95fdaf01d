import { Field, InputType, InterfaceType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ServicesSnapshot } from '../../core/services/service-snapshot.js';
import type { ServiceDefinition } from '../../core/services/service-types.js';
import { ApiJob } from '../jobs/job.type.js';
import { JsonScalar } from '../json.scalar.js';
import { MutationReturnInterface } from '../mutation-return.type.js';
import { StorageVolume } from '../storage/storage-volume.type.js';

export enum ServiceStatusEnum {
  ACTIVE = 'ACTIVE',
  RELOADING = 'RELOADING',
  INACTIVE = 'INACTIVE',
  FAILED = 'FAILED',
  ACTIVATING = 'ACTIVATING',
  DEACTIVATING = 'DEACTIVATING',
  OFF = 'OFF',
}
registerEnumType(ServiceStatusEnum, { name: 'ServiceStatusEnum' });

export enum SupportLevelEnum {
  NORMAL = 'NORMAL',
  EXPERIMENTAL = 'EXPERIMENTAL',
  DEPRECATED = 'DEPRECATED',
  COMMUNITY = 'COMMUNITY',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(SupportLevelEnum, { name: 'SupportLevelEnum' });

@ObjectType('LicenseType')
export class LicenseType {
  @Field(() => Boolean) deprecated!: boolean;
  @Field(() => Boolean) free!: boolean;
  @Field(() => String) fullName!: string;
  @Field(() => Boolean) redistributable!: boolean;
  @Field(() => String) shortName!: string;
  @Field(() => String, { nullable: true }) spdxId!: string | null;
  @Field(() => String, { nullable: true }) url!: string | null;
}

@ObjectType('DnsRecord')
export class DnsRecord {
  @Field(() => String) recordType!: string;
  @Field(() => String) name!: string;
  @Field(() => String) content!: string;
  @Field(() => Int) ttl!: number;
  @Field(() => Int, { nullable: true }) priority!: number | null;
  @Field(() => String) displayName!: string;
}

/**
 * A service. The plain fields are set on conversion; the costly ones (status, DNS records, storage,
 * configuration ...) have field resolvers that read the request's snapshot carried here.
 */
@ObjectType('Service')
export class Service {
  @Field(() => String) id!: string;
  @Field(() => String) displayName!: string;
  @Field(() => String) description!: string;
  @Field(() => String) svgIcon!: string;
  @Field(() => Boolean) isMovable!: boolean;
  @Field(() => Boolean) isRequired!: boolean;
  @Field(() => Boolean) isSystemService!: boolean;
  @Field(() => Boolean) canBeBackedUp!: boolean;
  @Field(() => String) backupDescription!: string;
  @Field(() => [LicenseType]) license!: LicenseType[];
  @Field(() => String, { nullable: true }) homepage!: string | null;
  @Field(() => String, { nullable: true }) sourcePage!: string | null;
  @Field(() => SupportLevelEnum) supportLevel!: SupportLevelEnum;
  definition!: ServiceDefinition;
  snapshot!: ServicesSnapshot;
  /** A backup snapshot's service that no longer exists (§4.8): its derived fields answer the tombstone's values. */
  orphaned?: boolean;
}

@InterfaceType('StorageUsageInterface', { resolveType: () => 'ServiceStorageUsage' })
export abstract class StorageUsageInterface {
  @Field(() => String) usedSpace!: string;
  @Field(() => StorageVolume, { nullable: true }) volume!: StorageVolume | null;
  @Field(() => String) title!: string;
}

@ObjectType('ServiceStorageUsage', { implements: StorageUsageInterface })
export class ServiceStorageUsage extends StorageUsageInterface {
  @Field(() => Service, { nullable: true }) service!: Service | null;
}

/** The `services` query namespace. */
@ObjectType('Services')
export class Services {}

@ObjectType('ServicesMutations')
export class ServicesMutations {}

@ObjectType({ implements: MutationReturnInterface })
export class ServiceMutationReturn extends MutationReturnInterface {
  @Field(() => Service, { nullable: true }) service?: Service | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class ServiceJobMutationReturn extends MutationReturnInterface {
  @Field(() => ApiJob, { nullable: true }) job?: ApiJob | null;
  @Field(() => Service, { nullable: true }) service?: Service | null;
}

@InputType('SetServiceConfigurationInput')
export class SetServiceConfigurationInput {
  @Field(() => String) serviceId!: string;
  @Field(() => JsonScalar) configuration!: unknown;
}

@InputType('MoveServiceInput')
export class MoveServiceInput {
  @Field(() => String) serviceId!: string;
  @Field(() => String) location!: string;
}
