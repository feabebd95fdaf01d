import type { BlockDevice, UnitState } from '../../core/host/host-types.js';

/**
 * `systemctl show --property=Id,LoadState,ActiveState -- a b c` prints one block per unit, in the
 * order asked, separated by blank lines. Units missing from the output read as not loaded.
 */
export function parseSystemctlShow(units: readonly string[], output: string): Map<string, UnitState> {
  const blocks = output
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '');
  const states = new Map<string, UnitState>();
  units.forEach((unit, index) => {
    const props = new Map<string, string>();
    for (const line of (blocks[index] ?? '').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    const loadState = props.get('LoadState') ?? 'not-found';
    states.set(unit, {
      unit,
      loaded: loadState !== 'not-found' && loadState !== '',
      activeState: props.get('ActiveState') ?? 'inactive',
    });
  });
  return states;
}

interface LsblkNode {
  name?: string;
  path?: string;
  fsavail?: string | number | null;
  fssize?: string | number | null;
  fsused?: string | number | null;
  size?: string | number | null;
  fstype?: string | null;
  mountpoints?: (string | null)[] | null;
  mountpoint?: string | null;
  label?: string | null;
  uuid?: string | null;
  model?: string | null;
  serial?: string | null;
  type?: string;
  children?: LsblkNode[];
}

const bytes = (value: string | number | null | undefined): string | null =>
  value === null || value === undefined || value === '' ? null : String(value);

/** `lsblk -J -b` output, children flattened: every top-level device first, then all descendants. */
export function parseLsblk(json: string): BlockDevice[] {
  const top = ((JSON.parse(json) as { blockdevices?: LsblkNode[] }).blockdevices ?? []).filter(Boolean);
  const ordered: LsblkNode[] = [...top];
  const queue = [...top];
  while (queue.length > 0) {
    const children = queue.shift()!.children ?? [];
    ordered.push(...children);
    queue.push(...children);
  }
  return ordered.map((node) => ({
    name: node.name ?? '',
    path: node.path ?? `/dev/${node.name ?? ''}`,
    fsavail: bytes(node.fsavail),
    fssize: bytes(node.fssize),
    fsused: bytes(node.fsused),
    size: bytes(node.size) ?? '0',
    fstype: node.fstype ?? null,
    mountpoints: (node.mountpoints ?? (node.mountpoint ? [node.mountpoint] : [])).filter((m): m is string => Boolean(m)),
    label: node.label ?? null,
    uuid: node.uuid ?? null,
    model: node.model ?? null,
    serial: node.serial ?? null,
    type: node.type ?? '',
  }));
}
