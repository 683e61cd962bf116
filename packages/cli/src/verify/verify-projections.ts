// `cairn verify`, the projection half: each projection is rebuilt from zero into a scratch
// schema up to the live checkpoint, and its canonicalDump compared with the live tables'. A
// difference means the tables were changed behind the runner's back, or the log under them was.
import { sql } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalDump, quoteSchema, type ProjectionRunner, type Projection, type AnyDB } from '@cairn/projections';
import type { Kysely } from 'kysely';

export interface BadRow {
  readonly projection: string;
  readonly reason: string;
  /** The first line (table header or row, canonical JSON) that differs, live and rebuilt. */
  readonly live: string | null;
  readonly rebuilt: string | null;
}

export interface ProjectionVerification {
  readonly projections: readonly { readonly name: string; readonly checkpoint: string | null; readonly rows: number; readonly ok: boolean }[];
  readonly firstBad: BadRow | null;
}


function firstDifference(live: string, rebuilt: string): { live: string | null; rebuilt: string | null } {
  const a = live.split('\n');
  const b = rebuilt.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { live: a[i] ?? null, rebuilt: b[i] ?? null };
  return { live: null, rebuilt: null };
}

export async function verifyProjections(
  db: Kysely<AnyDB>,
  runner: ProjectionRunner,
  projections: readonly Projection[],
  logHead: bigint | null,
): Promise<ProjectionVerification> {
  // Unique per run: two verifies against one Postgres must not share a scratch schema.
  const SCRATCH = `cairn_verify_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const status = await runner.status();
  if (E.isLeft(status)) return { projections: [], firstBad: { projection: '-', reason: status.left.message, live: null, rebuilt: null } };
  const out: { name: string; checkpoint: string | null; rows: number; ok: boolean }[] = [];
  try {
    for (const projection of projections) {
      const checkpoint = status.right.projections.find((p) => p.name === projection.name)?.checkpoint ?? null;
      const entry = { name: projection.name, checkpoint: checkpoint === null ? null : checkpoint.toString(), rows: 0, ok: false };
      out.push(entry);
      if (checkpoint !== null && (logHead === null || checkpoint > logHead)) {
        return { projections: out, firstBad: { projection: projection.name, reason: `the projection has applied the log up to position ${checkpoint}, but the log now ends at ${logHead ?? 'nothing'}: events were removed from its tail`, live: null, rebuilt: null } };
      }
      await sql`drop schema if exists ${sql.raw(quoteSchema(SCRATCH))} cascade`.execute(db);
      const rebuilt = await runner.rebuild(projection.name, { schema: SCRATCH, ...(checkpoint === null ? {} : { to: checkpoint }) });
      if (E.isLeft(rebuilt)) return { projections: out, firstBad: { projection: projection.name, reason: `the scratch rebuild failed: ${rebuilt.left.message}`, live: null, rebuilt: null } };
      const live = await canonicalDump(db, projection);
      const scratch = await canonicalDump(db, projection, { schema: SCRATCH });
      entry.rows = live.split('\n').length - 1;
      if (live !== scratch) {
        const d = firstDifference(live, scratch);
        return { projections: out, firstBad: { projection: projection.name, reason: 'the live tables differ from a rebuild from the log', ...d } };
      }
      entry.ok = true;
    }
  } finally {
    await sql`drop schema if exists ${sql.raw(quoteSchema(SCRATCH))} cascade`.execute(db);
  }
  return { projections: out, firstBad: null };
}
