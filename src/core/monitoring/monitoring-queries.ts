// The PromQL the monitoring charts ask for (§12), written once: the Prometheus client sends these
// and the simulated host recognises them.

const FILESYSTEMS = 'fstype!="rootfs",fstype!="ramfs",fstype!="tmpfs",mountpoint!="/efi"';
/** Top-level systemd slices only (`/nextcloud.slice`, not `/system.slice/foo.slice`). */
const SLICES = '{id!~".*slice.*slice", id=~".*slice"}';

export const MONITORING_QUERIES = {
  cpu: '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)',
  memory: '100 - (100 * (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes))',
  swap: '100 - (100 * (node_memory_SwapFree_bytes / node_memory_SwapTotal_bytes))',
  disk:
    `100 - (100 * sum by (device) (node_filesystem_avail_bytes{${FILESYSTEMS}}) ` +
    `/ sum by (device) (node_filesystem_size_bytes{${FILESYSTEMS}}))`,
  network:
    'label_replace(rate(node_network_receive_bytes_total{device!="lo"}[5m]), "direction", "receive", "device", ".*") or ' +
    'label_replace(rate(node_network_transmit_bytes_total{device!="lo"}[5m]), "direction", "transmit", "device", ".*")',
  /** Memory (RSS plus swap) of each service's slice, in bytes. */
  sliceMemory: `container_memory_rss${SLICES}+container_memory_swap${SLICES}`,
} as const;

export type SliceAggregate = 'avg' | 'max';

/** The instant query for a slice memory aggregate over `durationS` seconds ending `offsetS` seconds ago. */
export function sliceMemoryQuery(aggregate: SliceAggregate, durationS: number, offsetS: number): string {
  const offset = offsetS === 0 ? '' : ` offset ${offsetS}s`;
  return `${aggregate}_over_time((${MONITORING_QUERIES.sliceMemory})[${durationS}s:]${offset})`;
}

const SLICE_MEMORY_PATTERN = /^(avg|max)_over_time\(\((.*)\)\[(\d+)s:\](?: offset (-?\d+)s)?\)$/s;

/** The parts of a query sliceMemoryQuery wrote; undefined for any other query. */
export function parseSliceMemoryQuery(query: string): { aggregate: SliceAggregate; durationS: number; offsetS: number } | undefined {
  const m = SLICE_MEMORY_PATTERN.exec(query);
  if (!m || m[2] !== MONITORING_QUERIES.sliceMemory) return undefined;
  return { aggregate: m[1] as SliceAggregate, durationS: Number(m[3]), offsetS: m[4] ? Number(m[4]) : 0 };
}
