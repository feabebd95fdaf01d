import { ServicesSnapshot } from '../../core/services/service-snapshot.js';
import type { ServiceDefinition } from '../../core/services/service-types.js';
import { Service, type SupportLevelEnum } from '../../schema/services/service.type.js';
import type { GqlContext } from '../context.js';

// One snapshot per GraphQL request (keyed by its context), so every service, field and volume of the
// request shares one systemd query, one folder-size lookup and one block-device listing.
const snapshots = new WeakMap<GqlContext, ServicesSnapshot>();

/** The request's snapshot. */
export function snapshotFor(ctx: GqlContext): ServicesSnapshot {
  let snapshot = snapshots.get(ctx);
  if (!snapshot) {
    snapshot = new ServicesSnapshot(ctx.deps);
    snapshots.set(ctx, snapshot);
  }
  return snapshot;
}

/** A new snapshot for the rest of the request (after a mutation changed what the old one saw). */
export function freshSnapshot(ctx: GqlContext): ServicesSnapshot {
  const snapshot = new ServicesSnapshot(ctx.deps);
  snapshots.set(ctx, snapshot);
  return snapshot;
}

// Each definition's icon as base64, encoded once (definitions are shared until their file changes).
const icons = new WeakMap<ServiceDefinition, string>();

function iconOf(definition: ServiceDefinition): string {
  let icon = icons.get(definition);
  if (icon === undefined) {
    icon = Buffer.from(definition.svgIcon, 'utf8').toString('base64');
    icons.set(definition, icon);
  }
  return icon;
}

/** The contract `Service` of a definition; its costly fields resolve later from `snapshot`. */
export function toService(definition: ServiceDefinition, snapshot: ServicesSnapshot): Service {
  return Object.assign(new Service(), {
    id: definition.id,
    displayName: definition.displayName,
    description: definition.description,
    svgIcon: iconOf(definition),
    isMovable: definition.isMovable,
    isRequired: definition.isRequired,
    isSystemService: definition.kind === 'api' || definition.kind === 'monitoring',
    canBeBackedUp: definition.canBeBackedUp,
    backupDescription: definition.backupDescription,
    license: definition.license,
    homepage: definition.homepage,
    sourcePage: definition.sourcePage,
    supportLevel: definition.supportLevel as SupportLevelEnum,
    definition,
    snapshot,
  });
}

/**
 * The tombstone a backup snapshot names when its service no longer exists (§4.8): `<id> (Orphaned)`, everything
 * else empty, false or OFF (the derived fields check `orphaned`; the empty definition keeps the rest harmless).
 */
export function orphanedService(id: string, snapshot: ServicesSnapshot): Service {
  const definition: ServiceDefinition = {
    kind: 'templated', id, displayName: `${id} (Orphaned)`, description: '', svgIcon: '', showUrl: false, primarySubdomain: null,
    isMovable: false, isRequired: false, canBeBackedUp: false, backupDescription: '', units: [], folders: [], backupFolders: [],
    postgresDatabases: [], license: [], homepage: null, sourcePage: null, supportLevel: 'UNKNOWN', options: [], hasLocationOption: false,
  };
  return Object.assign(toService(definition, snapshot), { isSystemService: false, orphaned: true });
}

/** After a mutation: the service as it is now (a fresh snapshot), or null when it is unknown. */
export async function currentService(ctx: GqlContext, id: string): Promise<Service | null> {
  const snapshot = freshSnapshot(ctx);
  const definition = await snapshot.find(id);
  return definition ? toService(definition, snapshot) : null;
}
