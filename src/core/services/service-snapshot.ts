import type { NetworkAddresses, UnitState } from '../host/host-types.js';
import type { Deps } from '../ports.js';
import { type Volume, volumesOf } from '../storage/volumes.js';
import type { UserData } from '../userdata/userdata-types.js';
import { allFolders, allUnits, loadServiceDefinitions } from './service-registry.js';
import type { ServiceDefinition } from './service-types.js';

export type ServicesDeps = Pick<Deps, 'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>;

/**
 * What one request learns about services, each fact read at most once however many services and
 * fields it answers: notably ONE systemd query for the units of all services.
 */
export class ServicesSnapshot {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly deps: ServicesDeps) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memo.set(key, value);
    }
    return value;
  }

  services(): Promise<ServiceDefinition[]> {
    return this.once('services', () => loadServiceDefinitions(this.deps));
  }

  async find(id: string): Promise<ServiceDefinition | undefined> {
    return (await this.services()).find((s) => s.id === id);
  }

  userData(): Promise<UserData> {
    return this.once('userData', () => this.deps.userData.read());
  }

  /**
   * States of every service unit (plus `extra` units, which only the first call of a request may add:
   * the legacy status route asks for a few more in the same batch).
   */
  unitStates(extra: readonly string[] = []): Promise<Map<string, UnitState>> {
    return this.once('units', async () => this.deps.serviceMonitor.unitStates(allUnits(await this.services(), extra)));
  }

  /** Last measured folder sizes (a measurement runs in the background when they are stale). */
  folderSizes(): Promise<Map<string, number>> {
    return this.once('sizes', async () => this.deps.serviceMonitor.folderSizes(allFolders(await this.services())));
  }

  /** The usable volumes: one block-device listing per request, named after the request's userdata. */
  volumes(): Promise<Volume[]> {
    return this.once('volumes', async () => {
      const [devices, userData] = await Promise.all([this.deps.host.blockDevices(), this.userData()]);
      return volumesOf(devices, userData);
    });
  }

  addresses(): Promise<NetworkAddresses> {
    return this.once('addresses', () => this.deps.host.networkAddresses());
  }

  dkimRecord(domain: string): Promise<string | undefined> {
    return this.once(`dkim ${domain}`, () => this.deps.host.readDkimRecord(domain));
  }

  installedIds(): Promise<ReadonlySet<string> | undefined> {
    return this.once('installed', () => this.deps.serviceDefinitions.installedIds());
  }
}
