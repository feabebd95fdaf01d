import { CoreError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { UserData } from '../userdata/userdata-types.js';
import { LEGACY_DEFAULT_SUBDOMAINS } from './builtin-services.js';
import { moduleSettings, moduleSettingsDraft, optionValue } from './service-fields.js';
import { SERVICE_MESSAGES } from './service-messages.js';
import { requireService } from './service-registry.js';
import type { ConfigItem, ConfigOption, ServiceDefinition } from './service-types.js';

const RESERVED_SUBDOMAINS = new Set(['admin', 'administrator', 'api', 'auth', 'user', 'users', 'ntfy']);
const DEFAULT_WIDGET = { string: 'text', bool: 'switch', enum: 'select' } as const;

/**
 * The service's config items sorted by weight (stable), or null when it has none. `int` items are
 * left out: the contract has no type for them (the reference fails the whole field with an error
 * instead; leaving one item out keeps the rest of the list usable). They can still be set.
 */
export function configurationItems(service: ServiceDefinition, userData: UserData): ConfigItem[] | null {
  const items = [...service.options]
    .sort((a, b) => a.weight - b.weight)
    .flatMap((option): ConfigItem[] => {
      const value = optionValue(userData, service, option);
      const base = { fieldId: option.name, description: option.description };
      switch (option.type) {
        case 'string':
          return [{ ...base, kind: 'string', type: 'string', widget: option.widget ?? DEFAULT_WIDGET.string, value: String(value), defaultValue: option.default, regex: option.regex }];
        case 'bool':
          return [{ ...base, kind: 'bool', type: 'bool', widget: option.widget ?? DEFAULT_WIDGET.bool, value: value === true, defaultValue: option.default }];
        case 'enum':
          return [{ ...base, kind: 'enum', type: 'enum', widget: option.widget ?? DEFAULT_WIDGET.enum, value: String(value), defaultValue: option.default, options: option.options }];
        case 'int':
          return [];
      }
    });
  return items.length > 0 ? items : null;
}

/** Whether some module in userdata already uses this subdomain (its `subdomain` key, else its legacy default). */
function subdomainTaken(userData: UserData, subdomain: string): boolean {
  return Object.keys(userData.modules ?? {}).some((id) => {
    const own = moduleSettings(userData, id).subdomain;
    return (typeof own === 'string' ? own : (LEGACY_DEFAULT_SUBDOMAINS[id] ?? '')) === subdomain;
  });
}

// One DNS label: letters, digits and inner hyphens, 1 to 63 characters.
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// Values end up in the NixOS configuration and nginx: a line break or other control character is never data.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * §9.7: whether `value` may be stored for `option`. A regex must match the whole value (the reference's
 * re.match only anchored the start, so `vpn2; return 302 …` passed a subdomain pattern); a subdomain
 * is one DNS label; no string holds a control character.
 */
export function isValidConfigValue(option: ConfigOption, value: unknown, userData: UserData): boolean {
  switch (option.type) {
    case 'string':
      if (typeof value !== 'string') return false;
      if (value === '' && !option.allowEmpty) return false;
      if (CONTROL_CHARACTER.test(value)) return false;
      if (option.regex !== null && value !== '' && new RegExp(`^(?:${option.regex})$`).exec(value) === null) return false;
      if (option.subdomain && !DNS_LABEL.test(value)) return false;
      // Includes the service's own current subdomain: re-submitting an unchanged subdomain fails (faithful quirk).
      if (option.subdomain && (RESERVED_SUBDOMAINS.has(value) || subdomainTaken(userData, value))) return false;
      return true;
    case 'bool':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && option.options.includes(value);
    case 'int':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        (option.minValue === null || value >= option.minValue) &&
        (option.maxValue === null || value <= option.maxValue)
      );
  }
}

/** A value as Python's str() would print it in the reference's messages (`True`, `None`, `['a']`). */
export function pythonText(value: unknown, nested = false): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return nested ? `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : value;
  if (Array.isArray(value)) return `[${value.map((v) => pythonText(v, true)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pythonText(k, true)}: ${pythonText(v, true)}`).join(', ')}}`;
  }
  return String(value);
}

/**
 * Validates every key of `configuration` (unknown key, then invalid value, in the given order) and only
 * when all pass writes them to `modules.<id>`. Returns the service.
 */
export async function setServiceConfiguration(
  deps: Pick<Deps, 'userData' | 'serviceDefinitions' | 'logger'>,
  serviceId: string,
  configuration: unknown,
): Promise<ServiceDefinition> {
  const service = await requireService(deps, serviceId, SERVICE_MESSAGES.doesNotExist(serviceId));
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) {
    throw new CoreError('INVALID_SERVICE_CONFIGURATION', `Configuration must be an object of {fieldId: value}, not ${pythonText(configuration)}`);
  }
  await deps.userData.update((draft) => {
    for (const [key, value] of Object.entries(configuration)) {
      const option = service.options.find((o) => o.name === key);
      if (!option) throw new CoreError('INVALID_SERVICE_CONFIGURATION', SERVICE_MESSAGES.keyNotValid(key, serviceId));
      if (!isValidConfigValue(option, value, draft)) {
        throw new CoreError('INVALID_SERVICE_CONFIGURATION', SERVICE_MESSAGES.valueNotValid(pythonText(value), key));
      }
    }
    Object.assign(moduleSettingsDraft(draft, serviceId), configuration);
  });
  return service;
}
