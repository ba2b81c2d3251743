/**
 * ASL / EventBridge reference paths (`$`, `$.detail`, `$.probe.waitSeconds`, `$.items[0]`, `$['odd key']`): the
 * simple JSONPath subset that selects one node. Wildcards, filters and slices are not reference paths.
 */
export class ReferencePathError extends Error {
  override readonly name = 'ReferencePathError';
}

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** The path's segments: property names and array indexes. */
export const parseReferencePath = (path: string): (string | number)[] => {
  if (!path.startsWith('$')) throw new ReferencePathError(`Reference path ${path} must start with $`);
  const segments: (string | number)[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) throw new ReferencePathError(`Reference path ${path} is not a simple path (at "${rest}")`);
    const [whole, name, index, single, double] = match;
    segments.push(index !== undefined ? Number(index) : (name ?? single ?? double ?? ''));
    rest = rest.slice(whole.length);
  }
  return segments;
};

/** The node `path` selects in `value`; throws when a segment is missing. */
export const resolveReferencePath = (path: string, value: unknown): unknown => {
  let node: unknown = value;
  for (const segment of parseReferencePath(path)) {
    const container = node as Record<string | number, unknown> | null;
    if (typeof container !== 'object' || container === null || !(segment in container)) {
      throw new ReferencePathError(
        `Reference path ${path} does not point to a value (missing ${String(segment)})`,
      );
    }
    node = container[segment];
  }
  return node;
};
