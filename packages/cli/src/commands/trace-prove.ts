// cairn trace (lineage as text, Mermaid, DOT or SVG) and cairn prove (inclusion proofs, and
// their offline check).
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { contentIdOf, decodeInclusionProof, fromHex, merkleLeafHash, toHex, verifyInclusionProof } from '@cairn/core';
import { inclusionProof, renderLineage, type LineageTrace, type TraceDirection } from '@cairn/projections';
import { ExitCode } from '../exit-codes.js';
import { fail, orFail } from '../fail.js';
import { toJson } from '../output.js';
import { cfArg, orFailRead, withSession, type Session } from '../session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, short, show } from './common.js';
import { resolveVersionArg } from './datasets.js';
import { writeNamedFile } from '../files.js';

const FORMATS = ['text', 'mermaid', 'dot', 'svg'] as const;
type TraceFormat = (typeof FORMATS)[number];

export async function traceOf(session: Session, target: string, options: { readonly asOf?: string; readonly direction?: TraceDirection; readonly depth?: number }): Promise<LineageTrace> {
  // the client takes a CF id or unique prefix, any full node id, or a version reference
  const asOf = asOfOf(options.asOf);
  return orFailRead(await session.cairn.trace(target, { ...(asOf === undefined ? {} : { asOf }), ...(options.direction ? { direction: options.direction } : {}), ...(options.depth ? { maxDepth: options.depth } : {}) }));
}

export function traceText(t: LineageTrace): string {
  const nodes = new Map(t.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = nodes.get(id);
    return n ? `${n.kind} ${n.label ? `"${n.label}" ` : ''}(${short(id, 8)})` : short(id, 8);
  };
  const lines = [`lineage of ${name(t.root)}${t.truncated ? ' (truncated)' : ''}`];
  const byDepth = [...t.nodes].sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id));
  for (const n of byDepth) if (n.id !== t.root) lines.push(`  ${n.depth < 0 ? 'up  ' : 'down'} ${String(Math.abs(n.depth)).padStart(2)}  ${name(n.id)}`);
  lines.push('edges:');
  for (const e of t.edges) lines.push(`  ${name(e.from)} --${e.type}--> ${name(e.to)}  @${e.position}`);
  return lines.join('\n');
}

export interface ProofFile {
  readonly cairnInclusionProof: 1;
  readonly cfId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly proof: { readonly leafIndex: number; readonly treeSize: number; readonly leafHash: string; readonly auditPath: readonly string[]; readonly root: string };
}

export async function proveOf(session: Session, cf: string, ref: string, asOf?: string): Promise<ProofFile> {
  const v = await resolveVersionArg(session, ref, asOf);
  const cfId = await cfArg(session, cf);
  const p = orFail(await inclusionProof(session.db, cfId, v.versionId), (e) => e.message);
  return { cairnInclusionProof: 1, cfId, dataset: v.dataset, versionId: v.versionId, manifestId: p.manifestId, merkleRoot: p.proof.root, proof: p.proof };
}

export interface ProofCheck {
  readonly ok: boolean;
  readonly cfId: string | null;
  readonly versionId: string | null;
  readonly checks: readonly { readonly check: string; readonly ok: boolean }[];
}

/** Offline: no store needed. The path leads to the root, the leaf is this CF, and the version id derives from (manifest, root). */
export function checkProof(file: unknown): ProofCheck {
  const f = (typeof file === 'object' && file !== null ? file : {}) as Partial<ProofFile>;
  const proof = decodeInclusionProof(f.proof);
  const cfBytes = typeof f.cfId === 'string' ? fromHex(f.cfId, 32) : E.left(null);
  const leafIsCf = E.isRight(proof) && E.isRight(cfBytes) && toHex(merkleLeafHash(cfBytes.right)) === proof.right.leafHash;
  const versionId = E.isRight(proof) && typeof f.manifestId === 'string' ? contentIdOf('dataset-version', { manifest: f.manifestId, root: proof.right.root }) : E.left(null);
  const checks = [
    { check: 'the proof is well-formed', ok: E.isRight(proof) },
    { check: 'the audit path leads from the leaf to the root (RFC 6962)', ok: E.isRight(proof) && verifyInclusionProof(proof.right, proof.right.root) },
    { check: 'the leaf is the CF named', ok: leafIsCf },
    { check: 'the version id is the content id of (manifest, root)', ok: E.isRight(versionId) && versionId.right === f.versionId },
  ];
  return { ok: checks.every((c) => c.ok), cfId: f.cfId ?? null, versionId: f.versionId ?? null, checks };
}

export function registerTraceProve(program: Command): void {
  program
    .command('trace <target>')
    .description('the lineage of a CF (by id) or a version (NAME@VERSION): contributors → CFs → assets → versions → runs → models')
    .option('--format <format>', FORMATS.join(' | '), 'text')
    .option('--direction <direction>', 'up | down | both', 'both')
    .option('--depth <n>', 'levels from the root', '8')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (target: string, opts: { format: string; direction: string; depth: string; asOf?: string }, command: Command) => {
      if (!FORMATS.includes(opts.format as TraceFormat)) fail(ExitCode.usage, `--format: expected one of ${FORMATS.join(', ')}`);
      if (!['up', 'down', 'both'].includes(opts.direction)) fail(ExitCode.usage, '--direction: expected up, down or both');
      const depth = Number(opts.depth);
      if (!Number.isInteger(depth) || depth < 1) fail(ExitCode.usage, '--depth: expected a positive integer');
      await withSession(globalsOf(command), async (session) => {
        await session.catchUp();
        const t = await traceOf(session, target, { ...(opts.asOf ? { asOf: opts.asOf } : {}), direction: opts.direction as TraceDirection, depth });
        if (session.json || opts.format === 'text') await show(session.json, t, traceText);
        else process.stdout.write(`${await renderLineage(t, opts.format as 'mermaid' | 'dot' | 'svg')}\n`);
      });
    });

  program
    .command('prove [cf]')
    .description('an inclusion proof that CF is a member of NAME@VERSION (JSON), or --verify FILE offline')
    .option('--in <ref>', 'the version, NAME@VERSION')
    .option('--out <file>', 'write the proof to a file instead of stdout')
    .option('--verify <file>', 'check a proof file offline (no store needed)')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(async (cf: string | undefined, opts: { in?: string; out?: string; verify?: string; asOf?: string }, command: Command) => {
      const globals = globalsOf(command);
      if (opts.verify !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(opts.verify, 'utf8'));
        } catch (cause) {
          fail(ExitCode.usage, `--verify ${opts.verify}: not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
        }
        const c = checkProof(parsed);
        await show(globals.json === true, c, (x) => [...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}`), x.ok ? `proof OK: ${x.cfId} is in ${x.versionId}` : 'proof FAILED'].join('\n'));
        if (!c.ok) fail(ExitCode.checkFailed, 'the inclusion proof does not verify', c);
        return;
      }
      if (cf === undefined || opts.in === undefined) fail(ExitCode.usage, 'give CF and --in NAME@VERSION (or --verify FILE)');
      await withSession(globals, async (session) => {
        await session.catchUp();
        const p = await proveOf(session, cf, opts.in!, opts.asOf);
        if (opts.out !== undefined) {
          await writeNamedFile('--out', opts.out, `${toJson(p)}\n`);
          await show(session.json, { written: opts.out, cfId: p.cfId, versionId: p.versionId }, (x) => `inclusion proof written to ${x.written}`);
        } else process.stdout.write(`${toJson(p)}\n`);
      });
    });
}
