import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DnsProvider } from './dns-provider.enum.js';
import { MutationReturnInterface } from '../mutation-return.type.js';
import { DateTimeScalar } from '../scalars.js';

export enum Severity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  ERROR = 'ERROR',
  CRITICAL = 'CRITICAL',
  SUCCESS = 'SUCCESS',
}
registerEnumType(Severity, { name: 'Severity' });

export enum ServerProvider {
  HETZNER = 'HETZNER',
  DIGITALOCEAN = 'DIGITALOCEAN',
  OTHER = 'OTHER',
}
registerEnumType(ServerProvider, { name: 'ServerProvider' });

@ObjectType('Alert')
export class Alert {
  @Field(() => Severity) severity!: Severity;
  @Field(() => String) title!: string;
  @Field(() => String) message!: string;
  @Field(() => DateTimeScalar, { nullable: true }) timestamp!: string | null;
}

@ObjectType('AutoUpgradeOptions')
export class AutoUpgradeOptions {
  @Field(() => Boolean) enable!: boolean;
  @Field(() => Boolean) allowReboot!: boolean;
}

@ObjectType('SshSettings')
export class SshSettings {
  @Field(() => Boolean) enable!: boolean;
  @Field(() => Boolean, {
    deprecationReason: 'For security reasons, password authentication is no longer supported. Please use SSH keys.',
  })
  passwordAuthentication!: boolean;
  @Field(() => [String]) rootSshKeys!: string[];
}

/** Resolved field by field (system.resolver.ts), so a query reads only what it asks for. */
@ObjectType('SystemSettings')
export class SystemSettings {}

@ObjectType('SystemInfo')
export class SystemInfo {
  @Field(() => String) systemVersion!: string;
  @Field(() => String) pythonVersion!: string;
  @Field(() => Boolean) usingBinds!: boolean;
}

@ObjectType('SystemProviderInfo')
export class SystemProviderInfo {
  @Field(() => ServerProvider) provider!: ServerProvider;
  @Field(() => String) id!: string;
}

/** The `system` query namespace; its fields have resolvers. */
@ObjectType('System')
export class System {}

@ObjectType('SystemMutations')
export class SystemMutations {}

@InputType('AutoUpgradeSettingsInput')
export class AutoUpgradeSettingsInput {
  @Field(() => Boolean, { nullable: true, defaultValue: null }) enableAutoUpgrade?: boolean | null;
  @Field(() => Boolean, { nullable: true, defaultValue: null }) allowReboot?: boolean | null;
}

@InputType('SSHSettingsInput')
export class SSHSettingsInput {
  @Field(() => Boolean) enable!: boolean;
  @Field(() => Boolean, { nullable: true, defaultValue: null }) passwordAuthentication?: boolean | null;
}

@InputType('SetDnsProviderInput')
export class SetDnsProviderInput {
  @Field(() => DnsProvider) provider!: DnsProvider;
  @Field(() => String) token!: string;
  @Field(() => String, { nullable: true, defaultValue: null }) tokenId?: string | null;
  @Field(() => String, { nullable: true, defaultValue: null }) url?: string | null;
  @Field(() => String, { nullable: true, defaultValue: null }) tenant?: string | null;
  @Field(() => String, { nullable: true, defaultValue: null }) secondaryToken?: string | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class TimezoneMutationReturn extends MutationReturnInterface {
  @Field(() => String, { nullable: true }) timezone?: string | null;
}

@ObjectType({ implements: MutationReturnInterface })
export class AutoUpgradeSettingsMutationReturn extends MutationReturnInterface {
  @Field(() => Boolean) enableAutoUpgrade!: boolean;
  @Field(() => Boolean) allowReboot!: boolean;
}

@ObjectType({ implements: MutationReturnInterface })
export class SSHSettingsMutationReturn extends MutationReturnInterface {
  @Field(() => Boolean) enable!: boolean;
  @Field(() => Boolean) passwordAuthentication!: boolean;
}
