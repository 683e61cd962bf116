// Cutting a dataset version: apply a manifest to the facts up to a position, then store the
// build, the version (once per version id), its members and exclusions, each naming its decision
// (rule, reason, evidence: decisions.ts, stored once however many CFs share it) (its members are the selected-into lineage edges too: the datasets_lineage_selected_into view).
// Everything written is a function of the facts and the manifest, so a rebuild writes the same rows.
import { sql, type Transaction } from 'kysely';
import type { Manifest } from '@cairn/schemas';
import type { ProjectedEvent } from '@cairn/projector';
import { copyRows, positionToDb, idBytesCopyField } from '@cairn/projector';
import { DATASETS_LINEAGE_NODES_TABLE, insertLineageNodes } from '@cairn/lineage';
import { assembleVersion, type AssembledVersion } from '@cairn/assembly';
import { explainIndex, plainDecisionKey } from '@cairn/assembly';
import { packIds } from '@cairn/assembly';
import type { AssemblyIndex } from '@cairn/assembly';
import { INCLUDED, ruleCode, rulesFromManifest } from '@cairn/assembly';
import { CutDecisions } from './decisions.js';
import { evidenceJsonText } from './evidence-json.js';
import { T, asLineageHandle, type DatasetsDatabase } from './tables.js';

export type BuildCause = 'requested' | 'amended' | 'superseded' | 'deprecated' | 'erased';

export interface CutRequest {
  readonly dataset: string;
  readonly manifestId: string;
  readonly manifest: Manifest;
  /** The event that caused the cut; the version is the assembly of the log up to its position. */
  readonly cause: BuildCause;
  readonly event: ProjectedEvent;
}

const CHUNK = 5000;

/**
 * `index` is the assembly index as of the cut's event: the projection's live one, or one loaded
 * from the tables (loadFacts + indexFacts), which gives the same version.
 */
export async function cutVersion(tx: Transaction<DatasetsDatabase>, request: CutRequest, index: AssemblyIndex): Promise<AssembledVersion> {
  const { event } = request;
  const at = positionToDb(event.position);
  const version = assembleVersion(index, rulesFromManifest(request.manifest), request.manifestId);
  await tx
    .updateTable(T.builds)
    .set({ valid_to: at })
    .where('dataset', '=', request.dataset)
    .where('manifest_id', '=', request.manifestId)
    .where('valid_to', 'is', null)
    .execute();
  await tx
    .insertInto(T.builds)
    .values({
      dataset: request.dataset,
      manifest_id: request.manifestId,
      position: at,
      version_id: version.versionId,
      cause: request.cause,
      cause_event_id: event.id,
      valid_to: null,
    })
    .execute();
  const known = await tx.selectFrom(T.versions).select('version_no').where('version_id', '=', version.versionId).executeTakeFirst();
  const decisions = new CutDecisions();
  const versionNo = known === undefined ? await storeVersion(tx, request, version, decisions) : known.version_no;
  await storeExclusions(tx, version, versionNo, event, decisions);
  return version;
}

async function storeVersion(
  tx: Transaction<DatasetsDatabase>,
  request: CutRequest,
  version: AssembledVersion,
  decisions: CutDecisions,
): Promise<number> {
  const { event } = request;
  // the next number in cut order: versions are cut one at a time, in log order, so a rebuild
  // from the same log gives every version the same number
  const last = await tx
    .selectFrom(T.versions)
    .select((q) => q.fn.max('version_no').as('n'))
    .executeTakeFirst();
  const versionNo = Number(last?.n ?? 0) + 1;
  await tx
    .insertInto(T.versions)
    .values({
      version_id: version.versionId,
      version_no: versionNo,
      dataset: request.dataset,
      manifest_id: request.manifestId,
      merkle_root: version.merkleRoot,
      member_count: version.members.length,
      position: positionToDb(event.position),
      event_id: event.id,
      recorded_at: event.recordedAt,
      // as base64 text the database decodes: the embedded driver would write a bytea parameter
      // as hex through one string per byte
      members: sql<Uint8Array>`decode(${Buffer.from(packIds(version.members)).toString('base64')}, 'base64')`,
    })
    .execute();
  const { index } = version;
  const versionField = String(versionNo);
  const tallies = new MemberTallies();
  // the decision of a member that involves no other event, by its plain decision key: stored
  // without the CF's own facts, it is the same for every member with that key
  const plain = new Map<string, string>();
  for (let from = 0; from < version.members.length; from += CHUNK) {
    const ids = version.members.slice(from, from + CHUNK);
    // COPY text, not an insert from unnest: the version is new, so none of its members is there yet
    const lines = ids.map((id) => {
      const c = index.indexOf.get(id);
      tallies.add(index.cfs, c);
      const key = plainDecisionKey(version, c);
      let decision = key === null ? undefined : plain.get(key);
      if (decision === undefined) {
        const d = explainIndex(version, c);
        decision = decisions.keyOf('', d.reason, evidenceJsonText(d.evidence, d.cfId));
        if (key !== null) plain.set(key, decision);
      }
      return `${versionField}\t${idBytesCopyField(id)}\t${decision}\n`;
    });
    await decisions.store(tx);
    await copyRows<DatasetsDatabase, typeof T.members>(tx, T.members, ['version_no', 'cf_id', 'decision_id'], lines.join(''));
  }
  await storeTallies(tx, version.versionId, tallies);
  await insertLineageNodes(asLineageHandle(tx), DATASETS_LINEAGE_NODES_TABLE, [
    {
      id: version.versionId,
      kind: 'dataset-version',
      label: `${request.dataset}@${version.versionId.slice(0, 12)}`,
      eventId: event.id,
      position: event.position,
    },
  ]);
  return versionNo;
}

// Every candidate the rules turned away, in id order; CFs of non-candidate kinds are not
// decisions worth storing (whyExcluded derives the kind rule from the CF itself).
async function storeExclusions(
  tx: Transaction<DatasetsDatabase>,
  version: AssembledVersion,
  versionNo: number,
  event: ProjectedEvent,
  stored: CutDecisions,
): Promise<void> {
  const { index, decisions } = version;
  const kindCode = ruleCode('kind');
  const excluded: number[] = [];
  for (const c of index.sortedOrder) {
    const code = decisions.code[c]!;
    if (code !== INCLUDED && code !== kindCode) excluded.push(c);
  }
  const prefix = `${positionToDb(event.position)}\t${versionNo}\t`;
  for (let from = 0; from < excluded.length; from += CHUNK) {
    const lines = excluded.slice(from, from + CHUNK).map((c) => {
      const d = explainIndex(version, c);
      const decision = stored.keyOf(d.rule ?? '', d.reason, evidenceJsonText(d.evidence, d.cfId));
      return `${prefix}${idBytesCopyField(d.cfId)}\t${decision}\n`;
    });
    await stored.store(tx);
    await copyRows<DatasetsDatabase, typeof T.exclusions>(
      tx,
      T.exclusions,
      ['build_position', 'version_no', 'cf_id', 'decision_id'],
      lines.join(''),
    );
  }
}

/** The members of a version counted by contributor, source and license, as the cut meets them. */
class MemberTallies {
  readonly author = new Map<string, number>();
  readonly source = new Map<string | null, number>();
  readonly license = new Map<string | null, number>();

  add(cfs: AssemblyIndex['cfs'], c: number): void {
    count(this.author, cfs.author(c));
    count(this.source, cfs.source(c));
    count(this.license, cfs.license(c));
  }
}

function count<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Stores the version's members counted by contributor, source and license once, at the cut: a
 * version's members are fixed and a CF's author, source and license never change, so the member
 * page (which shows these counts on every page) reads one row instead of grouping the whole
 * version. Counted as the cut writes the members (the index holds each member's author, source
 * and license as its datasets_cfs row does) rather than by joining the members back to
 * datasets_cfs, a lookup per member; the database only orders the few distinct keys, so the
 * order is its collation's, as the join's grouping gave.
 */
async function storeTallies(tx: Transaction<DatasetsDatabase>, versionId: string, tallies: MemberTallies): Promise<void> {
  const tally = (counts: ReadonlyMap<string | null, number>) =>
    sql`(select coalesce(jsonb_agg(jsonb_build_array(k, n) order by n desc, k), '[]'::jsonb)
      from unnest(${[...counts.keys()]}::text[], ${[...counts.values()]}::bigint[]) as g(k, n))`;
  await sql`update ${sql.table(T.versions)}
    set tallies = jsonb_build_object('author', ${tally(tallies.author)}, 'source', ${tally(tallies.source)}, 'license', ${tally(tallies.license)})
    where version_id = ${versionId}`.execute(tx);
}
