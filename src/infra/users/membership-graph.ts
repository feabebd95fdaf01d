import { withoutDefaultGroups } from '../../core/users/groups.js';
import type { GroupInfo } from '../../core/users/user-types.js';
import type { MembershipGraph } from './drizzle-identity.repository.js';

// Kanidm's view of nested groups: a member of group A is also a member of every group A is in.

// What Kanidm reports as `class` for a group created through its API.
const GROUP_CLASS = ['group', 'memberof', 'object'];

function parentsByGroup(graph: MembershipGraph): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const edge of graph.groupEdges) parents.set(edge.memberGroup, [...(parents.get(edge.memberGroup) ?? []), edge.groupName]);
  return parents;
}

/** Every group reachable upwards from `direct` (cycles are harmless). */
function closure(direct: readonly string[], parents: Map<string, string[]>): string[] {
  const seen = new Set<string>();
  const queue = [...direct];
  while (queue.length > 0) {
    const group = queue.shift()!;
    if (seen.has(group)) continue;
    seen.add(group);
    queue.push(...(parents.get(group) ?? []));
  }
  return [...seen].sort();
}

export interface Memberships {
  directmemberof: string[];
  memberof: string[];
}

/** Direct and inherited groups of each person. */
export function membershipsOf(graph: MembershipGraph): (username: string) => Memberships {
  const parents = parentsByGroup(graph);
  const direct = new Map<string, string[]>();
  for (const edge of graph.userEdges) direct.set(edge.username, [...(direct.get(edge.username) ?? []), edge.groupName]);
  return (username) => {
    const own = [...(direct.get(username) ?? [])].sort();
    return { directmemberof: withoutDefaultGroups(own), memberof: withoutDefaultGroups(closure(own, parents)) };
  };
}

/** The groups as `groups.allGroups` lists them; `spn` is `<name>@<domain>`. */
export function describeGroups(graph: MembershipGraph, domain: string | undefined): GroupInfo[] {
  const parents = parentsByGroup(graph);
  return graph.groups.map(({ name, description }) => {
    const users = graph.userEdges.filter((e) => e.groupName === name).map((e) => e.username);
    const groups = graph.groupEdges.filter((e) => e.groupName === name).map((e) => e.memberGroup);
    const directParents = [...(parents.get(name) ?? [])].sort();
    return {
      name,
      groupClass: GROUP_CLASS,
      member: [...users, ...groups].sort(),
      memberof: closure(directParents, parents).filter((g) => g !== name),
      directmemberof: directParents,
      spn: domain ? `${name}@${domain}` : name,
      description,
    };
  });
}
