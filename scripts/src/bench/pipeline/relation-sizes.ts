// The pipeline group's per-relation sizes, in a child process so the bench shares no PGlite
// instance with the store it measures:
//   node relation-sizes.js DATA_DIR          an embedded database's folder (the log's or the projections')
//   node relation-sizes.js postgres://…      a Postgres database
// Prints one JSON line: every table of the user schemas (its heap with TOAST, free-space and
// visibility maps) and every index, bytes each, largest first.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface RelationSize {
  /** schema.table for a table, schema.table.index for an index. */
  readonly relation: string;
  readonly kind: 'table' | 'index';
  readonly bytes: number;
}

const QUERY = `
  select n.nspname || '.' || c.relname as relation, 'table' as kind, pg_table_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
  union all
  select n.nspname || '.' || t.relname || '.' || c.relname, 'index', pg_relation_size(c.oid)::text
    from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`;

interface Row {
  relation: string;
  kind: 'table' | 'index';
  bytes: string;
}

async function sizes(target: string): Promise<RelationSize[]> {
  let rows: Row[];
  if (/^postgres(ql)?:\/\//.test(target)) {
    const c = new pg.Client({ connectionString: target });
    await c.connect();
    try {
      rows = (await c.query<Row>(QUERY)).rows;
    } finally {
      await c.end();
    }
  } else {
    const db = await PGlite.create({ dataDir: target });
    try {
      rows = (await db.query<Row>(QUERY)).rows;
    } finally {
      await db.close();
    }
  }
  return rows
    .map((r) => ({ relation: r.relation, kind: r.kind, bytes: Number(r.bytes) }))
    .sort((a, b) => b.bytes - a.bytes || (a.relation < b.relation ? -1 : 1));
}

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write('usage: relation-sizes DATA_DIR | postgres://…\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await sizes(target))}\n`);
