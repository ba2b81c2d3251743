/**
 * The layer rule of `functions/` (README, "Repository organization"): each folder is a layer, ordered from the
 * bottom up, and a file imports only from its own layer or one below it. Runtime code imports nothing outside
 * `functions/` (not the stack, the local AWS or the tests), and one handler never imports another.
 */
import { relative, sep } from 'node:path';
import type { ImportEdge } from './import-graph.ts';

export const LAYERS = ['contracts', 'domain', 'adapters', 'shared', 'handlers'] as const;

export type Layer = (typeof LAYERS)[number];

/** The layer of a path relative to `functions/`, or undefined outside every layer. */
const layerOf = (pathInFunctions: string): Layer | undefined => {
  if (pathInFunctions.startsWith(`..${sep}`)) return undefined;
  const folder = pathInFunctions.split(sep)[0];
  return LAYERS.find((layer) => layer === folder);
};

/** Each import under `functionsRoot` that breaks the rule, as `from → to: why` with paths relative to it. */
export const layerViolations = (edges: readonly ImportEdge[], functionsRoot: string): string[] =>
  edges.flatMap((edge) => {
    const from = relative(functionsRoot, edge.from);
    const to = relative(functionsRoot, edge.to);
    const fromLayer = layerOf(from);
    const toLayer = layerOf(to);
    if (fromLayer === undefined) return [];
    const problem =
      toLayer === undefined
        ? 'imports from outside functions/'
        : LAYERS.indexOf(toLayer) > LAYERS.indexOf(fromLayer)
          ? `${fromLayer}/ imports from ${toLayer}/, a higher layer`
          : fromLayer === 'handlers' && toLayer === 'handlers'
            ? 'one handler imports another'
            : undefined;
    return problem === undefined ? [] : [`${from} → ${edge.specifier}: ${problem}`];
  });
