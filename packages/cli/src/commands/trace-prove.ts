// cairn trace (lineage as text, Mermaid, DOT or SVG) and cairn prove (inclusion proofs, and
// their offline check).
import type { Command } from 'commander';
import { checkAuthorship, checkProof, type AuthorshipProof, type ProofFile } from '@cairn/core';
import { renderLineage, type LineageTrace, type TraceDirection } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail } from '../fail.js';
import { toJson } from '../output.js';
import { orFailRead } from '../session.js';
import { withReads, type ReadSession } from '../read-session.js';
import { AS_OF_FLAGS, AS_OF_HELP, asOfOf, globalsOf, short, show } from './common.js';
import { readJsonFile, writeNamedFile } from '../files.js';

// The offline proof check is core's; demo.ts reaches it through this module.

const FORMATS = ['text', 'mermaid', 'dot', 'svg'] as const;
type TraceFormat = (typeof FORMATS)[number];

export async function traceOf(
  session: Pick<ReadSession, 'cairn'>,
  target: string,
  options: { readonly asOf?: string; readonly direction?: TraceDirection; readonly depth?: number },
): Promise<LineageTrace> {
  // the client takes a CF id or unique prefix, any full node id, or a version reference
  const asOf = asOfOf(options.asOf);
  return orFailRead(
    await session.cairn.trace(target, {
      ...(asOf === undefined ? {} : { asOf }),
      ...(options.direction ? { direction: options.direction } : {}),
      ...(options.depth ? { maxDepth: options.depth } : {}),
    }),
  );
}

export function traceText(t: LineageTrace): string {
  const nodes = new Map(t.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = nodes.get(id);
    return n ? `${n.kind} ${n.label ? `"${n.label}" ` : ''}(${short(id, 8)})` : short(id, 8);
  };
  const lines = [`lineage of ${name(t.root)}${t.truncated ? ' (truncated)' : ''}`];
  const byDepth = [...t.nodes].sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id));
  for (const n of byDepth)
    if (n.id !== t.root) lines.push(`  ${n.depth < 0 ? 'up  ' : 'down'} ${String(Math.abs(n.depth)).padStart(2)}  ${name(n.id)}`);
  lines.push('edges:');
  for (const e of t.edges) lines.push(`  ${name(e.from)} --${e.type}--> ${name(e.to)}  @${e.position}`);
  return lines.join('\n');
}

export async function proveOf(session: Pick<ReadSession, 'cairn'>, cf: string, ref: string, asOf?: string): Promise<ProofFile> {
  // The client resolves the version first, then the CF: the reference that names nothing is the answer.
  return orFailRead(await session.cairn.proofFile(cf, ref, asOfOf(asOf)));
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
      await withReads(globalsOf(command), async (session) => {
        await session.catchUp();
        const t = await traceOf(session, target, {
          ...(opts.asOf ? { asOf: opts.asOf } : {}),
          direction: opts.direction as TraceDirection,
          depth,
        });
        if (session.json || opts.format === 'text') await show(session.json, t, traceText);
        else process.stdout.write(`${await renderLineage(t, opts.format as 'mermaid' | 'dot' | 'svg')}\n`);
      });
    });

  program
    .command('prove [cf]')
    .description(
      'an inclusion proof that CF is a member of NAME@VERSION, or with --signed-by who signed CF (its seal, audit path and key); --verify FILE checks either offline',
    )
    .option('--in <ref>', 'the version, NAME@VERSION')
    .option('--signed-by', "prove who signed CF: the signer's key and, for a sealed CF, its seal and audit path")
    .option('--out <file>', 'write the proof to a file instead of stdout')
    .option('--verify <file>', 'check a proof file offline (no store needed)')
    .option(AS_OF_FLAGS, AS_OF_HELP)
    .action(
      async (
        cf: string | undefined,
        opts: { in?: string; out?: string; verify?: string; asOf?: string; signedBy?: boolean },
        command: Command,
      ) => {
        const globals = globalsOf(command);
        if (opts.verify !== undefined) {
          let parsed: unknown;
          try {
            parsed = await readJsonFile(opts.verify);
          } catch (cause) {
            fail(
              ExitCode.usage,
              `--verify ${opts.verify}: not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`,
            );
          }
          if ((parsed as { cairnAuthorshipProof?: unknown } | null)?.cairnAuthorshipProof !== undefined) {
            const a = checkAuthorship(parsed);
            await show(globals.json === true, a, (x) =>
              [
                ...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}`),
                x.ok ? `proof OK: ${x.cfId} was signed by ${x.signer}` : 'proof FAILED',
              ].join('\n'),
            );
            if (!a.ok) fail(ExitCode.checkFailed, 'the authorship proof does not verify', a);
            return;
          }
          const c = checkProof(parsed);
          await show(globals.json === true, c, (x) =>
            [
              ...x.checks.map((k) => `${k.ok ? 'ok  ' : 'FAIL'} ${k.check}`),
              x.ok ? `proof OK: ${x.cfId} is in ${x.versionId}` : 'proof FAILED',
            ].join('\n'),
          );
          if (!c.ok) fail(ExitCode.checkFailed, 'the inclusion proof does not verify', c);
          return;
        }
        if (opts.signedBy === true) {
          if (cf === undefined) fail(ExitCode.usage, 'give CF with --signed-by');
          if (opts.in !== undefined) fail(ExitCode.usage, '--signed-by proves who signed CF; --in proves membership: give one');
          await withReads(globals, async (session) => {
            await session.catchUp();
            const p = await authorshipProofOf(session, cf);
            if (opts.out !== undefined) {
              await writeNamedFile('--out', opts.out, `${toJson(p)}\n`);
              await show(session.json, { written: opts.out, signer: p.cf.signer }, (x) => `authorship proof written to ${x.written}`);
            } else process.stdout.write(`${toJson(p)}\n`);
          });
          return;
        }
        if (cf === undefined || opts.in === undefined) fail(ExitCode.usage, 'give CF and --in NAME@VERSION (or --verify FILE)');
        await withReads(globals, async (session) => {
          await session.catchUp();
          const p = await proveOf(session, cf, opts.in!, opts.asOf);
          if (opts.out !== undefined) {
            await writeNamedFile('--out', opts.out, `${toJson(p)}\n`);
            await show(
              session.json,
              { written: opts.out, cfId: p.cfId, versionId: p.versionId },
              (x) => `inclusion proof written to ${x.written}`,
            );
          } else process.stdout.write(`${toJson(p)}\n`);
        });
      },
    );
}

/** Who signed CF, as a proof core's checkAuthorship checks offline. */
export async function authorshipProofOf(session: Pick<ReadSession, 'cairn'>, cf: string): Promise<AuthorshipProof> {
  return orFailRead(await session.cairn.authorship(cf));
}
