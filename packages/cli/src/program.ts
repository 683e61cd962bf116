// The `cairn` command: global options, every subcommand, and the mapping of failures to exit
// codes (exit-codes.ts) and stderr.
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { CliFailure } from './fail.js';
import { toJson } from './output.js';
import { registerInitStatus } from './commands/init-status.js';
import { registerKeys } from './commands/keys.js';
import { registerContribute } from './commands/contribute.js';
import { registerVerify } from './commands/verify.js';
import { registerTreeHead } from './commands/tree-head.js';
import { registerDemo } from './commands/demo.js';
import { registerDatasets } from './commands/datasets.js';
import { registerQueries } from './commands/queries.js';
import { registerTraceProve } from './commands/trace-prove.js';
import { registerImport } from './commands/import.js';
import { registerReplay } from './commands/replay.js';
import { registerRuns } from './commands/runs.js';
import { registerAttribution } from './commands/attribution.js';
import { registerLicensesCard } from './commands/licenses-card.js';
import { registerExport } from './commands/export.js';
import { registerAttest } from './commands/attest.js';
import { registerReport } from './commands/report.js';
import { registerContamination } from './commands/contamination.js';

export function buildProgram(): Command {
  const program = new Command('cairn')
    .description('Cairn: an append-only, event-sourced lineage ledger for AI training data')
    .version('0.1.0')
    .option('--store <location>', 'a folder (embedded, default ./.cairn), postgres://... or esdb://... (env CAIRN_STORE)')
    .option('--projections <url>', 'postgres://... for the projection tables of an esdb:// store (env CAIRN_PROJECTIONS)')
    .option('--json', 'print one stable JSON document on stdout instead of text')
    .showHelpAfterError()
    .exitOverride();
  registerInitStatus(program);
  registerKeys(program);
  registerContribute(program);
  registerImport(program);
  registerDatasets(program);
  registerQueries(program);
  registerTraceProve(program);
  registerRuns(program);
  registerAttribution(program);
  registerLicensesCard(program);
  registerExport(program);
  registerAttest(program);
  registerReport(program);
  registerContamination(program);
  registerReplay(program);
  registerVerify(program);
  registerTreeHead(program);
  registerDemo(program);
  for (const command of program.commands) exitOverrideAll(command);
  return program;
}

function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}

/** Runs the command line; answers the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliFailure) {
      process.stderr.write(json ? `${toJson({ error: { exitCode: error.exitCode, message: error.message, detail: error.detail ?? null } })}\n` : `cairn: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`cairn: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.unavailable;
  }
}
