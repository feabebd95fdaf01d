import { Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { getSshSettingsAndRootKeys } from '../../core/system/ssh-settings.js';
import {
  getAutoUpgradeSettings,
  getDomainInfo,
  getServerProvider,
  getSystemInfo,
  getTimezone,
  isSystemBusy,
  systemStatus,
} from '../../core/system/system-settings.js';
import { RUNTIME_VERSION } from '../../infra/runtime/runtime-version.js';
import { DnsProvider } from '../../schema/system/dns-provider.enum.js';
import { SystemDomainInfo } from '../../schema/system/system-domain-info.type.js';
import {
  Alert,
  AutoUpgradeOptions,
  ServerProvider,
  Severity,
  SshSettings,
  System,
  SystemInfo,
  SystemProviderInfo,
  SystemSettings,
} from '../../schema/system/system.type.js';
import type { GqlContext } from '../context.js';
import { coreQuery } from '../query-error.js';

@Resolver(() => System)
export class SystemResolver {
  @Authorized()
  @Query(() => System)
  system(): System {
    return new System();
  }

  @Authorized()
  @FieldResolver(() => Alert)
  status(): Alert {
    return { ...systemStatus(), severity: Severity.INFO };
  }

  @Authorized()
  @FieldResolver(() => SystemDomainInfo)
  async domainInfo(@Ctx() ctx: GqlContext): Promise<SystemDomainInfo> {
    const info = await coreQuery(() => getDomainInfo(ctx.deps));
    return Object.assign(new SystemDomainInfo(), { ...info, provider: DnsProvider[info.provider] });
  }

  @Authorized()
  @FieldResolver(() => SystemSettings)
  settings(): SystemSettings {
    return new SystemSettings();
  }

  @Authorized()
  @FieldResolver(() => SystemInfo)
  async info(@Ctx() ctx: GqlContext): Promise<SystemInfo> {
    const info = await getSystemInfo(ctx.deps, RUNTIME_VERSION);
    return { systemVersion: info.systemVersion, pythonVersion: info.runtimeVersion, usingBinds: info.usingBinds };
  }

  @Authorized()
  @FieldResolver(() => SystemProviderInfo)
  async provider(@Ctx() ctx: GqlContext): Promise<SystemProviderInfo> {
    const { provider, id } = await getServerProvider(ctx.deps);
    return { provider: ServerProvider[provider], id };
  }

  @Authorized()
  @FieldResolver(() => Boolean)
  busy(@Ctx() ctx: GqlContext): Promise<boolean> {
    return isSystemBusy(ctx.deps);
  }

  @Authorized()
  @FieldResolver(() => String)
  workingDirectory(): string {
    return process.cwd();
  }
}

@Resolver(() => SystemSettings)
export class SystemSettingsResolver {
  @Authorized()
  @FieldResolver(() => AutoUpgradeOptions)
  autoUpgrade(@Ctx() ctx: GqlContext): Promise<AutoUpgradeOptions> {
    return getAutoUpgradeSettings(ctx.deps);
  }

  // passwordAuthentication is deprecated and always false here, whatever is stored
  @Authorized()
  @FieldResolver(() => SshSettings)
  async ssh(@Ctx() ctx: GqlContext): Promise<SshSettings> {
    const { enable, rootKeys } = await getSshSettingsAndRootKeys(ctx.deps);
    return { enable, passwordAuthentication: false, rootSshKeys: rootKeys };
  }

  @Authorized()
  @FieldResolver(() => String)
  timezone(@Ctx() ctx: GqlContext): Promise<string> {
    return getTimezone(ctx.deps);
  }
}
