// The house rules for imports between and inside the workspace packages, as a pure check over
// their sources: no circle between modules of a package, no circle between packages, another
// package only through its public entry (`@cairn/x`, never `@cairn/x/dist/...` or a relative path
// out of the package), and only a package it declares as a dependency, so a lower package can
// never reach up. The root `workspaces` list must name each package after its dependencies.
import path from 'node:path';
import ts from 'typescript';

export interface WorkspacePackage {
  /** e.g. `@cairn/datasets` */
  readonly name: string;
  /** The package folder, relative to the repository root (e.g. `projections/datasets`). */
  readonly dir: string;
  /** `@cairn/*` names from dependencies and devDependencies. */
  readonly dependsOn: readonly string[];
  /** Source files, keyed by path relative to the repository root. */
  readonly sources: ReadonlyMap<string, string>;
}

export type BoundaryProblem =
  | { readonly kind: 'module-cycle'; readonly modules: readonly string[] }
  | { readonly kind: 'package-cycle'; readonly packages: readonly string[] }
  | { readonly kind: 'deep-import'; readonly file: string; readonly specifier: string }
  | { readonly kind: 'relative-import-into-other-package'; readonly file: string; readonly specifier: string }
  | { readonly kind: 'undeclared-package-import'; readonly file: string; readonly specifier: string }
  | { readonly kind: 'workspace-order'; readonly pkg: string; readonly dependency: string };

const SCOPE = '@cairn/';

/** Every module specifier a source imports or re-exports, static or dynamic. */
export function importsOf(source: string): readonly string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The source a relative specifier names, if it is one of `sources` (`./x.js` is `./x.ts`, a folder its index). */
function resolveRelative(from: string, specifier: string, sources: ReadonlyMap<string, string>): string | undefined {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`, `${target}/index.ts`];
  return candidates.find((c) => sources.has(c));
}

/** Strongly connected parts with more than one member, or a member importing itself (Tarjan). */
function cycles(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const part: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(part.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

/** The problems in `packages`, listed in `order` (the root workspaces list, by folder). */
export function checkBoundaries(packages: readonly WorkspacePackage[], order: readonly string[]): BoundaryProblem[] {
  const problems: BoundaryProblem[] = [];
  const byName = new Map(packages.map((p) => [p.name, p]));

  for (const pkg of packages) {
    const edges = new Map<string, string[]>();
    for (const [file, source] of pkg.sources) {
      const targets: string[] = [];
      for (const specifier of importsOf(source)) {
        if (specifier.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
          // Shared files at the repository root (jest.config.base.js) belong to no package.
          const into = packages.find((other) => other !== pkg && (target === other.dir || target.startsWith(`${other.dir}/`)));
          if (into !== undefined) {
            problems.push({ kind: 'relative-import-into-other-package', file, specifier });
            continue;
          }
          const resolved = resolveRelative(file, specifier, pkg.sources);
          if (resolved !== undefined) targets.push(resolved);
        } else if (specifier.startsWith(SCOPE)) {
          const [, name, ...rest] = specifier.split('/');
          const target = `${SCOPE}${name}`;
          if (rest.length > 0) problems.push({ kind: 'deep-import', file, specifier });
          else if (target !== pkg.name && byName.has(target) && !pkg.dependsOn.includes(target))
            problems.push({ kind: 'undeclared-package-import', file, specifier });
        }
      }
      edges.set(file, targets);
    }
    for (const modules of cycles([...pkg.sources.keys()].sort(), edges)) problems.push({ kind: 'module-cycle', modules });
  }

  const packageEdges = new Map(packages.map((p) => [p.name, p.dependsOn.filter((d) => byName.has(d))]));
  for (const names of cycles(
    packages.map((p) => p.name),
    packageEdges,
  ))
    problems.push({ kind: 'package-cycle', packages: names });

  const position = new Map(order.map((dir, i) => [dir, i]));
  for (const pkg of packages) {
    for (const dependency of packageEdges.get(pkg.name) ?? []) {
      const mine = position.get(pkg.dir);
      const theirs = position.get(byName.get(dependency)!.dir);
      if (mine !== undefined && theirs !== undefined && theirs > mine)
        problems.push({ kind: 'workspace-order', pkg: pkg.name, dependency });
    }
  }
  return problems;
}

/** One line per problem, for a failing spec's message. */
export function describeProblem(p: BoundaryProblem): string {
  switch (p.kind) {
    case 'module-cycle':
      return `import cycle between modules: ${p.modules.join(' <-> ')}`;
    case 'package-cycle':
      return `dependency cycle between packages: ${p.packages.join(' <-> ')}`;
    case 'deep-import':
      return `${p.file}: imports ${p.specifier}; import another package only through its entry (@cairn/<name>)`;
    case 'relative-import-into-other-package':
      return `${p.file}: imports ${p.specifier}, a path into another package; depend on the package and import @cairn/<name>`;
    case 'undeclared-package-import':
      return `${p.file}: imports ${p.specifier}, which its package.json does not depend on (a lower package must not reach up)`;
    case 'workspace-order':
      return `root package.json workspaces: ${p.pkg} is listed before its dependency ${p.dependency}`;
  }
}
