import type { NetworkAddresses, UnitState } from '../host/host-types.js';
import type { Deps } from '../ports.js';
import { type Volume, volumesOf } from '../storage/volumes.js';
import type { UserData } from '../userdata/userdata-types.js';
import { legacyStatusUnits } from './legacy-status-units.js';
import { allFolders, allUnits, loadServiceDefinitions } from './service-registry.js';
import type { ServiceDefinition } from './service-types.js';

/** What loadedFact answers. */
export interface LoadedFacts {
  unitStates: Map<string, UnitState>;
  folderSizes: Map<string, number>;
  volumes: Volume[];
  addresses: NetworkAddresses;
}

export type ServicesDeps = Pick<Deps, 'userData' | 'host' | 'serviceDefinitions' | 'serviceMonitor' | 'logger'>;

/**
 * What one request learns about services, each fact read at most once however many services and
 * fields it answers: notably ONE systemd query for the units of all services.
 */
export class ServicesSnapshot {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** The facts already loaded, for answers that need not wait (no promise per field once a fact is known). */
  private readonly loaded = new Map<string, unknown>();

  constructor(readonly deps: ServicesDeps) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.memo.set(key, value);
      value.then((fact) => this.loaded.set(key, fact), () => undefined);
    }
    return value;
  }

  /** The userdata when this request has already read it, else undefined. */
  loadedUserData(): UserData | undefined {
    return this.loaded.get('userData') as UserData | undefined;
  }

  /** A fact this request has already loaded (`unitStates`, `folderSizes`, `volumes`, `addresses`, `dkim <domain>`), else undefined. */
  loadedFact<K extends keyof LoadedFacts>(key: K | `dkim ${string}`): LoadedFacts[K] | undefined {
    return this.loaded.get(key === 'unitStates' ? 'units' : key === 'folderSizes' ? 'sizes' : key) as LoadedFacts[K] | undefined;
  }

  /** Whether the DKIM record of `domain` has been read (it may be absent). */
  hasDkimRecord(domain: string): boolean {
    return this.loaded.has(`dkim ${domain}`);
  }

  /** The installed service ids when this request has already read them (`null`: every defined one counts). */
  loadedInstalledIds(): ReadonlySet<string> | null | undefined {
    if (!this.loaded.has('installed')) return undefined;
    return (this.loaded.get('installed') as ReadonlySet<string> | undefined) ?? null;
  }

  services(): Promise<ServiceDefinition[]> {
    return this.once('services', () => loadServiceDefinitions(this.deps));
  }

  async find(id: string): Promise<ServiceDefinition | undefined> {
    return (await this.services()).find((s) => s.id === id);
  }

  /** The userdata for reading (shared and frozen when the store offers it: no file parse while it is unchanged). */
  userData(): Promise<UserData> {
    const store = this.deps.userData;
    return this.once('userData', () => (store.readShared ? (store.readShared() as Promise<UserData>) : store.read()));
  }

  /**
   * States of every service unit and of the units the legacy status route reports: always the same batch,
   * so the services screen and `/services/status` share one systemd query (and its cached answer).
   */
  unitStates(): Promise<Map<string, UnitState>> {
    return this.once('units', async () => {
      const services = await this.services();
      return this.deps.serviceMonitor.unitStates(allUnits(services, legacyStatusUnits(services).flatMap((k) => k.units)));
    });
  }

  /** Last measured folder sizes (a measurement runs in the background when they are stale). */
  folderSizes(): Promise<Map<string, number>> {
    return this.once('sizes', async () => this.deps.serviceMonitor.folderSizes(allFolders(await this.services())));
  }

  /** The usable volumes from the shared block-device listing (no lsblk per request), named after the request's userdata. */
  volumes(): Promise<Volume[]> {
    return this.once('volumes', async () => {
      const [devices, userData] = await Promise.all([this.deps.serviceMonitor.blockDevices(), this.userData()]);
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
