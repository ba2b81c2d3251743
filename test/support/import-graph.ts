/**
 * The import graph of the repository's TypeScript, read with the TypeScript parser: static imports, re-exports and
 * dynamic `import()` calls, type-only ones included (a type import is still a dependency on the module's shape).
 * Specifiers resolve as Node would for this package: `#…` through `package.json` `imports`, relative paths against
 * the importing file. Package imports (`zod`, `node:fs`) are not part of the graph.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const SOURCE_EXTENSIONS = ['.ts', '.mts'];

/** Every `.ts`/`.mts` file under `folder`, absolute, sorted. */
export const sourceFilesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(folder, entry))
    .filter(
      (path) => SOURCE_EXTENSIONS.some((extension) => path.endsWith(extension)) && statSync(path).isFile(),
    )
    .sort();

export interface ImportStatement {
  readonly specifier: string;
  /** Erased when compiled (`import type`, or only `type` names): it loads nothing at run time. */
  readonly typeOnly: boolean;
}

const isTypeOnlyImport = (node: ts.ImportDeclaration): boolean => {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
};

/** What a source text imports, re-exports or loads with `import()`, in order. */
export const importStatements = (fileName: string, text: string): ImportStatement[] => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const statements: ImportStatement[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      statements.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node) });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      statements.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      statements.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return statements;
};

/** The `imports` map of the package whose root is `packageRoot` (`#contracts/*` → `./functions/contracts/*.ts`). */
export const subpathImportsOf = (packageRoot: string): Readonly<Record<string, string>> => {
  const manifest: { imports?: Record<string, string> } = JSON.parse(
    readFileSync(join(packageRoot, 'package.json'), 'utf8'),
  );
  return manifest.imports ?? {};
};

/**
 * The absolute file a specifier names, or undefined for a package import. A `#…` specifier that matches no entry of
 * the map is an error: Node would refuse it too.
 */
export const resolveSpecifier = (
  specifier: string,
  fromFile: string,
  packageRoot: string,
  subpathImports: Readonly<Record<string, string>>,
): string | undefined => {
  if (specifier.startsWith('#')) {
    for (const [pattern, target] of Object.entries(subpathImports)) {
      const [prefix = '', suffix = ''] = pattern.split('*');
      if (!pattern.includes('*')) {
        if (pattern === specifier) return resolve(packageRoot, target);
        continue;
      }
      if (specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
        const matched = specifier.slice(prefix.length, specifier.length - suffix.length);
        return resolve(packageRoot, target.replace('*', matched));
      }
    }
    throw new Error(`${fromFile}: "${specifier}" matches no entry of package.json imports`);
  }
  if (specifier.startsWith('.')) return resolve(dirname(fromFile), specifier);
  return undefined;
};

export interface ImportEdge {
  /** Both absolute. */
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

/** An import of another package (`zod`, `@aws-sdk/client-sfn`, `node:fs`) by a file, absolute. */
export interface PackageImport extends ImportStatement {
  readonly from: string;
}

interface FolderImports {
  readonly edges: ImportEdge[];
  readonly packages: PackageImport[];
}

/** Every import of every source file under `folder`: to files of this package, and to other packages. */
export const importsUnder = (folder: string, packageRoot: string): FolderImports => {
  const subpathImports = subpathImportsOf(packageRoot);
  const edges: ImportEdge[] = [];
  const packages: PackageImport[] = [];
  for (const from of sourceFilesUnder(folder)) {
    for (const statement of importStatements(from, readFileSync(from, 'utf8'))) {
      const to = resolveSpecifier(statement.specifier, from, packageRoot, subpathImports);
      if (to === undefined) packages.push({ from, ...statement });
      else edges.push({ from, to, specifier: statement.specifier });
    }
  }
  return { edges, packages };
};

/** The imports of every source file under `folder` that resolve to a file of this package. */
export const importEdgesUnder = (folder: string, packageRoot: string): ImportEdge[] =>
  importsUnder(folder, packageRoot).edges;

/**
 * The import cycles among the files under `folder` (imports leaving the folder are ignored), each as a closed path
 * of folder-relative file names, e.g. `['a.ts', 'b.ts', 'a.ts']`: one cycle per group of files that reach each
 * other (a strongly connected component), so an empty result means the folder's imports form a tree-like order.
 */
export const findImportCycles = (folder: string, packageRoot: string = process.cwd()): string[][] => {
  const root = resolve(folder);
  const inside = (path: string) => path.startsWith(root + sep);
  const next = new Map<string, string[]>();
  for (const edge of importEdgesUnder(root, packageRoot)) {
    if (!inside(edge.to)) continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }
  return stronglyConnected(next)
    .filter((group) => group.length > 1 || (next.get(group[0] ?? '') ?? []).includes(group[0] ?? ''))
    .map((group) => cycleWithin(new Set(group), next).map((path) => relative(root, path)));
};

/** Tarjan's algorithm: groups of nodes that all reach one another. */
const stronglyConnected = (next: ReadonlyMap<string, readonly string[]>): string[][] => {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, lowLink.get(target) ?? 0));
      } else if (onStack.has(target)) {
        lowLink.set(node, Math.min(lowLink.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
};

/** One closed path through a strongly connected group, from its first file back to it (breadth first, shortest). */
const cycleWithin = (group: ReadonlySet<string>, next: ReadonlyMap<string, readonly string[]>): string[] => {
  const start = [...group].sort()[0] ?? '';
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() ?? '';
    for (const target of next.get(node) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) {
          path.splice(1, 0, at);
        }
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
};
