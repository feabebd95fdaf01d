import { setServiceConfiguration } from '../../core/services/service-config.js';
import { disableService, enableService, restartService, startService, stopService } from '../../core/services/service-lifecycle.js';
import { SERVICE_MESSAGES as S } from '../../core/services/service-messages.js';
import { moveService } from '../../core/services/service-move.js';
import type { GqlContext } from '../context.js';
import { type MutationOutcome, mutationResult } from '../mutation-return.js';
import { currentService } from './service-view.js';
import { toApiJob } from '../to-graphql.js';

// Each ServicesMutations operation once: the namespaced field and its deprecated root twin both call these.

type Lifecycle = (deps: GqlContext['deps'], id: string) => Promise<unknown>;

/** Runs one operation on a service; the result carries the service as it is afterwards (null when it is unknown). */
async function serviceMutation<T extends object>(ctx: GqlContext, id: string, ok: { code: number; message: string }, run: () => Promise<T>) {
  const result: MutationOutcome & Record<string, unknown> = await mutationResult(ctx.deps.logger, ok, run);
  return { ...result, service: result.code === 404 ? null : await currentService(ctx, id) };
}

const lifecycle = (operation: Lifecycle, message: string) => (ctx: GqlContext, id: string) =>
  serviceMutation(ctx, id, { code: 200, message }, async () => (await operation(ctx.deps, id), {}));

export const servicesOperations = {
  enableService: lifecycle(enableService, S.enabled),
  disableService: lifecycle(disableService, S.disabled),
  stopService: lifecycle(stopService, S.stopped),
  startService: lifecycle(startService, S.started),
  restartService: lifecycle(restartService, S.restarted),

  setServiceConfiguration: (ctx: GqlContext, input: { serviceId: string; configuration: unknown }) =>
    serviceMutation(ctx, input.serviceId, { code: 200, message: S.configurationUpdated }, async () => {
      await setServiceConfiguration(ctx.deps, input.serviceId, input.configuration);
      return {};
    }),

  moveService: async (ctx: GqlContext, input: { serviceId: string; location: string }) => {
    const result = await serviceMutation(ctx, input.serviceId, { code: 200, message: '' }, async () => {
      const started = await moveService(ctx.deps, input.serviceId, input.location);
      return { success: started.code === 200, code: started.code, message: started.message, job: toApiJob(started.job) };
    });
    // An unknown volume is also a 404: neither the service nor a job is part of that answer.
    return { job: null, ...result, service: result.code === 404 ? null : result.service };
  },
};
