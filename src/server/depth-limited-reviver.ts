/**
 * A JSON.parse reviver that refuses a document nested deeper than `maxDepth` levels. graphql-ws
 * parses each message with it and closes the socket with 4400 when it throws: a deeply nested
 * message (a ping payload it would echo, say) would otherwise exhaust the stack later, as a 4500.
 */
export function depthLimitedReviver(maxDepth: number): (key: string, value: unknown) => unknown {
  // children are revived before their parent, so each container's depth is known from its children
  const depths = new WeakMap<object, number>();
  return (_key, value) => {
    if (value === null || typeof value !== 'object') return value;
    let depth = 1;
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === 'object') depth = Math.max(depth, (depths.get(child) ?? 1) + 1);
    }
    if (depth > maxDepth) throw new Error(`The message is nested deeper than ${maxDepth} levels.`);
    depths.set(value, depth);
    return value;
  };
}
