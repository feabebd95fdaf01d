import { ServiceMonitor } from '../../src/core/services/service-monitor.js';
import type { UserData } from '../../src/core/userdata/userdata-types.js';
import { sampleUserData } from '../../src/infra/host/sample-userdata.js';
import { SimulatedServiceCatalogue } from '../../src/infra/services/simulated-service-catalogue.js';
import { sampleBlockDevices } from './block-devices.js';
import { silentLogger } from './fake-deps.js';
import { FakeHost } from './fake-host.js';
import { InMemoryDocumentStore } from './in-memory-document-store.js';
import { jobPorts } from './in-memory-jobs.js';

/**
 * Ports for services use cases: the sample userdata (domain example.org, Nextcloud on sdb, binds),
 * the simulated catalogue, a FakeHost with the sample block devices and the enabled services' units
 * running, a fixed clock and in-memory jobs.
 */
export function servicesDeps(userData: UserData = sampleUserData()) {
  const ports = jobPorts();
  const host = new FakeHost();
  host.devices = sampleBlockDevices();
  host.units = Object.fromEntries(
    ['dovecot.service', 'postfix.service', 'prometheus.service', 'phpfpm-nextcloud.service', 'forgejo.service', 'vaultwarden.service'].map(
      (unit) => [unit, 'active'],
    ),
  );
  // Units follow commands at once: stop -> inactive, start/restart -> active.
  host.onUnitCommand = (verb, unit) => void (host.units[unit] = verb === 'stop' ? 'inactive' : 'active');
  return {
    ...ports,
    host,
    userData: new InMemoryDocumentStore<UserData>(userData),
    serviceDefinitions: new SimulatedServiceCatalogue(),
    serviceMonitor: new ServiceMonitor({ host, clock: ports.clock, background: ports.background, logger: silentLogger }),
  };
}
