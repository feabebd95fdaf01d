import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver } from 'type-graphql';
import {
  MoveServiceInput,
  ServiceJobMutationReturn,
  ServiceMutationReturn,
  ServicesMutations,
  SetServiceConfigurationInput,
} from '../../schema/services/service.type.js';
import type { GqlContext } from '../context.js';
import { servicesOperations as ops } from './services-operations.js';

@Resolver(() => ServicesMutations)
export class ServicesMutationsResolver {
  @Authorized()
  @Mutation(() => ServicesMutations)
  services(): ServicesMutations {
    return new ServicesMutations();
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  enableService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.enableService(ctx, serviceId);
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  disableService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.disableService(ctx, serviceId);
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  stopService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.stopService(ctx, serviceId);
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  startService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.startService(ctx, serviceId);
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  restartService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.restartService(ctx, serviceId);
  }

  @Authorized()
  @FieldResolver(() => ServiceMutationReturn)
  setServiceConfiguration(
    @Ctx() ctx: GqlContext,
    @Arg('input', () => SetServiceConfigurationInput) input: SetServiceConfigurationInput,
  ) {
    return ops.setServiceConfiguration(ctx, input);
  }

  @Authorized()
  @FieldResolver(() => ServiceJobMutationReturn)
  moveService(@Ctx() ctx: GqlContext, @Arg('input', () => MoveServiceInput) input: MoveServiceInput) {
    return ops.moveService(ctx, input);
  }
}

const deprecated = (name: string) => ({ deprecationReason: `Use \`services.${name}\` instead` });

/** The deprecated root-level twins of ServicesMutations: same operations, same auth rules. */
@Resolver()
export class ServicesRootMutationsResolver {
  @Authorized()
  @Mutation(() => ServiceMutationReturn, deprecated('enable_service'))
  enableService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.enableService(ctx, serviceId);
  }

  @Authorized()
  @Mutation(() => ServiceMutationReturn, deprecated('disable_service'))
  disableService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.disableService(ctx, serviceId);
  }

  @Authorized()
  @Mutation(() => ServiceMutationReturn, deprecated('stop_service'))
  stopService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.stopService(ctx, serviceId);
  }

  @Authorized()
  @Mutation(() => ServiceMutationReturn, deprecated('start_service'))
  startService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.startService(ctx, serviceId);
  }

  @Authorized()
  @Mutation(() => ServiceMutationReturn, deprecated('restart_service'))
  restartService(@Ctx() ctx: GqlContext, @Arg('serviceId', () => String) serviceId: string) {
    return ops.restartService(ctx, serviceId);
  }

  @Authorized()
  @Mutation(() => ServiceJobMutationReturn, deprecated('move_service'))
  moveService(@Ctx() ctx: GqlContext, @Arg('input', () => MoveServiceInput) input: MoveServiceInput) {
    return ops.moveService(ctx, input);
  }
}
