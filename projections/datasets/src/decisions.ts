// Decisions stored once (datasets_decisions): the members and exclusions of a cut name their
// decision (rule, reason, evidence as stored) by a key instead of carrying it, since most CFs of a
// version are decided alike and a row per member would repeat the same reason and evidence.
//
// The key is a digest of the decision's content, not a number handed out in order: a function of
// the decision alone names it the same in every cut, whatever order cuts come in and on any store
// fed the same log (a rebuild holds the same rows bit for bit), and a cut can write it without
// first looking up whether the decision is known (`on conflict do nothing`). 16 bytes of SHA-256
// are enough: two distinct decisions share a key with odds of about n²/2¹²⁹, under 2⁻⁶⁴ even for
// 2³² distinct decisions, where a store holds thousands.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalize } from '@cairn/core';
import { sql, type Transaction } from 'kysely';
import { T, type DatasetsDatabase } from './tables.js';

/**
 * The key of a decision: the first 16 bytes of SHA-256 over its rule, reason and canonical evidence,
 * NUL-separated (a Postgres text holds no NUL, so the encoding is unambiguous). Hex.
 */
export function decisionKey(rule: string, reason: string, evidenceJson: string): string {
  const canonical = canonicalize(JSON.parse(evidenceJson));
  // Evidence holds what signed events held, so it has a canonical form; were it ever refused (a
  // number past 2^53), the text as the rule engine wrote it is as deterministic, and a cut must
  // never stop over a key.
  const text = `${rule}\0${reason}\0${E.isRight(canonical) ? canonical.right : evidenceJson}`;
  return createHash('sha256').update(text).digest().subarray(0, 16).toString('hex');
}

/**
 * The decisions of one cut: keyOf names a decision for a member or exclusion row, and store writes
 * the decisions named since the last store before the rows that name them are copied.
 */
export class CutDecisions {
  /** Key by the decision's text as written (rule NUL reason NUL evidence JSON), so a repeat costs a lookup, not a digest. */
  private readonly keys = new Map<string, string>();
  private fresh: { key: string; rule: string; reason: string; evidence: string }[] = [];

  /** The COPY text field of the decision's key (a bytea in hex form: `\x…`, its backslash escaped for COPY). */
  keyOf(rule: string, reason: string, evidenceJson: string): string {
    const text = `${rule}\0${reason}\0${evidenceJson}`;
    let key = this.keys.get(text);
    if (key === undefined) {
      key = decisionKey(rule, reason, evidenceJson);
      this.keys.set(text, key);
      this.fresh.push({ key, rule, reason, evidence: evidenceJson });
    }
    return `\\\\x${key}`;
  }

  /** Writes the decisions named since the last store; one statement, as arrays, however many. */
  async store(tx: Transaction<DatasetsDatabase>): Promise<void> {
    if (this.fresh.length === 0) return;
    const rows = this.fresh;
    this.fresh = [];
    await sql`insert into ${sql.table(T.decisions)} (decision_id, rule, reason, evidence)
      select decode(k, 'hex'), r, why, e::jsonb
      from unnest(${rows.map((d) => d.key)}::text[], ${rows.map((d) => d.rule)}::text[], ${rows.map((d) => d.reason)}::text[],
        ${rows.map((d) => d.evidence)}::text[]) as u(k, r, why, e)
      on conflict do nothing`.execute(tx);
  }
}
