// The house rule for SQL between projection packages: a package names only its own tables.
// Cheap and textual, over the same sources as the import check: a table name owned by another
// package (by its prefix, the longest matching prefix deciding) in a string or template literal,
// or another package's table-name map (`*_TABLE_NAMES`) imported to build SQL from. Comments
// are not literals, so prose may name any table. Specs and spec helpers (`*.spec.ts`,
// `__tests__/`) may reach into any table to plant or observe a state, so they are not checked.
import ts from 'typescript';
import type { WorkspacePackage } from './check.js';

export interface TableOwner {
  /** A table-name prefix, e.g. `datasets_`. */
  readonly prefix: string;
  /** The package whose code holds the SQL on those tables, e.g. `@cairn/datasets`. */
  readonly pkg: string;
}

export type TableProblem =
  | { readonly kind: 'foreign-table'; readonly file: string; readonly table: string; readonly owner: string }
  | { readonly kind: 'foreign-table-names'; readonly file: string; readonly name: string; readonly owner: string };

/** Files exempt by path, each with the reason it may name another package's tables. */
export type TableExemptions = ReadonlyMap<string, string>;

const TABLE_NAMES_IMPORT = /_TABLE_NAMES$/;
const WORD = /[a-z][a-z0-9]*_[a-z0-9_]*/g;
const SCOPE = '@cairn/';

export const isSpecSource = (file: string): boolean => /\.spec\.[cm]?[tj]s$/.test(file) || file.split('/').includes('__tests__');

/** The text of every string and template literal piece in `source`. */
function literalsOf(file: string, source: string): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
      out.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false));
  return out;
}

/** The names imported from another `@cairn/` package, with the package. */
function namedImportsOf(file: string, source: string): { name: string; from: string }[] {
  const out: { name: string; from: string }[] = [];
  for (const statement of ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false).statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const spec = statement.moduleSpecifier;
    if (spec === undefined || !ts.isStringLiteral(spec) || !spec.text.startsWith(SCOPE)) continue;
    const from = spec.text.split('/').slice(0, 2).join('/');
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
    if (bindings !== undefined && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)))
      for (const e of bindings.elements) out.push({ name: (e.propertyName ?? e.name).text, from });
  }
  return out;
}

function ownerOf(word: string, owners: readonly TableOwner[]): TableOwner | undefined {
  let best: TableOwner | undefined;
  for (const o of owners) if (word.startsWith(o.prefix) && (best === undefined || o.prefix.length > best.prefix.length)) best = o;
  return best;
}

/** Another package's table names in each package's non-spec sources, outside `exempt`. */
export function checkTableOwnership(
  packages: readonly WorkspacePackage[],
  owners: readonly TableOwner[],
  exempt: TableExemptions = new Map(),
): TableProblem[] {
  const problems: TableProblem[] = [];
  for (const pkg of packages) {
    for (const [file, source] of pkg.sources) {
      if (isSpecSource(file) || exempt.has(file)) continue;
      const seen = new Set<string>();
      for (const text of literalsOf(file, source))
        for (const word of text.match(WORD) ?? []) {
          const owner = ownerOf(word, owners);
          if (owner === undefined || owner.pkg === pkg.name || seen.has(word)) continue;
          seen.add(word);
          problems.push({ kind: 'foreign-table', file, table: word, owner: owner.pkg });
        }
      for (const { name, from } of namedImportsOf(file, source))
        if (from !== pkg.name && TABLE_NAMES_IMPORT.test(name)) problems.push({ kind: 'foreign-table-names', file, name, owner: from });
    }
  }
  return problems;
}

/** One line per problem, for a failing spec's message. */
export function describeTableProblem(p: TableProblem): string {
  switch (p.kind) {
    case 'foreign-table':
      return `${p.file}: names table ${p.table}, owned by ${p.owner}; ask ${p.owner} through a read it exports`;
    case 'foreign-table-names':
      return `${p.file}: imports ${p.name} from ${p.owner} to write SQL on its tables; ask ${p.owner} through a read it exports`;
  }
}
