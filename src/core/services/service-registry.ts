import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import { BUILTIN_SERVICES } from './builtin-services.js';
import { parseServiceDefinition } from './service-definition.js';
import type { ServiceDefinition } from './service-types.js';

export type RegistryDeps = Pick<Deps, 'serviceDefinitions' | 'logger'>;

// Each definition document is parsed once: the sources hand out the same document object until its file changes.
const parsed = new WeakMap<object, ServiceDefinition | Error>();

function parseOnce(document: unknown): ServiceDefinition {
  if (typeof document !== 'object' || document === null) return parseServiceDefinition(document);
  let result = parsed.get(document);
  if (result === undefined) {
    try {
      result = parseServiceDefinition(document);
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    parsed.set(document, result);
  }
  if (result instanceof Error) throw result;
  return result;
}

/** Every known service: the three built-ins in their order, then each valid templated definition (§9.1). */
export async function loadServiceDefinitions(deps: RegistryDeps): Promise<ServiceDefinition[]> {
  const services = [...BUILTIN_SERVICES];
  const ids = new Set(services.map((s) => s.id));
  for (const { origin, document } of await deps.serviceDefinitions.load()) {
    try {
      const definition = parseOnce(document);
      if (ids.has(definition.id)) continue; // built-ins win; the first definition of an id wins
      ids.add(definition.id);
      services.push(definition);
    } catch (err) {
      deps.logger.warn('skipping invalid service definition', { origin, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return services;
}

/** The service with this id; SERVICE_NOT_FOUND with `message` otherwise (operations word it differently). */
export async function requireService(deps: RegistryDeps, id: string, message: string): Promise<ServiceDefinition> {
  const service = (await loadServiceDefinitions(deps)).find((s) => s.id === id);
  if (!service) throw new CoreError('SERVICE_NOT_FOUND', message);
  return service;
}

/** Every unit of every service, each once (the batch a status question asks systemd about). */
export function allUnits(services: readonly ServiceDefinition[], extra: readonly string[] = []): string[] {
  return [...new Set([...services.flatMap((s) => s.units), ...extra])];
}

/** Every data folder of every service, each once. */
export function allFolders(services: readonly ServiceDefinition[]): string[] {
  return [...new Set(services.flatMap((s) => s.folders.map((f) => f.path)))];
}
