/**
 * The layer rule of `functions/` (README, "Repository organization"): each folder is a layer, ordered from the
 * bottom up, and a file imports only from its own layer or one below it. Runtime code imports nothing outside
 * `functions/` (not the stack, the local AWS or the tests), and one handler never imports another. Only adapters
 * load the AWS SDK or the PostgreSQL driver: elsewhere their types may be imported, never their code.
 */
import { relative, sep } from 'node:path';
import type { ImportEdge, PackageImport } from './import-graph.ts';

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

/** Packages that talk to AWS or PostgreSQL: their code belongs to the adapters. */
const CALLS_OUT = /^(@aws-sdk\/|pg$|pg\/)/;

/** Each package import under `functionsRoot` that loads AWS or PostgreSQL code outside `adapters/`. */
export const callOutViolations = (imports: readonly PackageImport[], functionsRoot: string): string[] =>
  imports.flatMap((entry) => {
    const from = relative(functionsRoot, entry.from);
    const layer = layerOf(from);
    if (layer === undefined || layer === 'adapters' || entry.typeOnly || !CALLS_OUT.test(entry.specifier)) {
      return [];
    }
    return [`${from} → ${entry.specifier}: loads AWS or PostgreSQL code outside adapters/`];
  });
