// Reads the workspace packages (the root package.json `workspaces`) and their sources from disk.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkspacePackage } from './check.js';

const SKIPPED = new Set(['node_modules', 'dist', 'build', '.turbo', 'coverage', '.cairn']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

interface PackageJson {
  readonly name: string;
  readonly workspaces?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;

function sourcesUnder(root: string, dir: string, into: Map<string, string>): void {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) sourcesUnder(root, rel, into);
    else if (SOURCE.test(entry.name)) into.set(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
  }
}

/** The packages in workspace order, and that order (their folders). */
export function readWorkspace(root: string): { readonly packages: WorkspacePackage[]; readonly order: readonly string[] } {
  const order = readJson(path.join(root, 'package.json')).workspaces ?? [];
  const packages = order.map((dir): WorkspacePackage => {
    const pkg = readJson(path.join(root, dir, 'package.json'));
    const dependsOn = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => d.startsWith('@cairn/'));
    const sources = new Map<string, string>();
    sourcesUnder(root, dir, sources);
    return { name: pkg.name, dir, dependsOn, sources };
  });
  return { packages, order };
}
