// The `cairn` command: global options, every subcommand, and the mapping of failures to exit
// codes (exit-codes.ts) and stderr.
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { CliFailure } from './fail.js';
import { toJson } from './output.js';
import { registerInitStatus } from './commands/init-status.js';
import { registerKeys } from './commands/keys.js';
import { registerRoles } from './commands/roles.js';
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
import { registerRunsQueries } from './commands/runs-query.js';
import { registerAttribution } from './commands/attribution.js';
import { registerLicensesCard } from './commands/licenses-card.js';
import { registerExport } from './commands/export.js';
import { registerAttest } from './commands/attest.js';
import { registerPassport } from './commands/passport.js';
import { registerRecordKeeping } from './commands/record-keeping.js';
import { registerReport } from './commands/report.js';
import { registerShow } from './commands/show.js';
import { registerContamination } from './commands/contamination.js';
import { registerServe } from './commands/serve.js';

export function buildProgram(options: { readonly json?: boolean } = {}): Command {
  const program = new Command('cairn')
    .description('Cairn: an append-only, event-sourced lineage ledger for AI training data')
    .version('0.1.0')
    .option('--store <location>', 'a folder (embedded, default ./.cairn), postgres://... or esdb://... (env CAIRN_STORE)')
    .option('--projections <url>', 'postgres://... for the projection tables of an esdb:// store (env CAIRN_PROJECTIONS)')
    .option('--json', 'print one stable JSON document on stdout instead of text');
  registerInitStatus(program);
  registerKeys(program);
  registerRoles(program);
  registerContribute(program);
  registerImport(program);
  registerDatasets(program);
  registerQueries(program);
  registerShow(program);
  registerTraceProve(program);
  registerRuns(program);
  registerRunsQueries(program);
  registerAttribution(program);
  registerLicensesCard(program);
  registerExport(program);
  registerAttest(program);
  registerPassport(program);
  registerRecordKeeping(program);
  registerReport(program);
  registerContamination(program);
  registerReplay(program);
  registerServe(program);
  registerVerify(program);
  registerTreeHead(program);
  registerDemo(program);
  exitOverrideAll(program, options.json === true);
  return program;
}

/** The command a usage error was raised by, so its one line can point at the right --help. */
const raisedBy = new WeakMap<CommanderError, string>();

function exitOverrideAll(command: Command, json: boolean): void {
  // Commander's own error text is replaced by one line in main(), shaped like every other error.
  // Help asked for still prints; under --json, so stderr stays one JSON document, the help a
  // command without its subcommand would print on stderr is left out too.
  const quiet = () => undefined;
  command.configureOutput({ ...command.configureOutput(), outputError: quiet, ...(json ? { writeErr: quiet } : {}) });
  command.exitOverride((error) => {
    raisedBy.set(error, commandPath(command));
    throw error;
  });
  for (const sub of command.commands) exitOverrideAll(sub, json);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** CAIRN_DEBUG=1 adds the stack of an unexpected failure, for a bug report. */
const debugging = (env: NodeJS.ProcessEnv): boolean => env.CAIRN_DEBUG !== undefined && env.CAIRN_DEBUG !== '' && env.CAIRN_DEBUG !== '0';

function printError(json: boolean, exitCode: number, message: string, detail: unknown): void {
  process.stderr.write(json ? `${toJson({ error: { exitCode, message, detail: detail ?? null } })}\n` : `cairn: ${message}\n`);
}

/** Runs the command line; answers the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const program = buildProgram({ json });
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0; a bare `cairn` or `cairn
      // keys` has printed its help to stderr already.
      if (error.exitCode === 0) return ExitCode.ok;
      const command = raisedBy.get(error) ?? 'cairn';
      const helpShown = error.code === 'commander.help' || error.code === 'commander.helpDisplayed';
      if (helpShown && !json) return ExitCode.usage;
      const message = helpShown ? `name a command (${command} --help)` : `${error.message.replace(/^error: /, '')} (${command} --help)`;
      printError(json, ExitCode.usage, message, { code: error.code, command });
      return ExitCode.usage;
    }
    if (error instanceof CliFailure) {
      printError(json, error.exitCode, error.message, error.detail);
      return error.exitCode;
    }
    // A bug, not the user's input: one line, and the stack only when asked for.
    const text = error instanceof Error ? error.message : String(error);
    const firstLine = text.split('\n', 1)[0] ?? '';
    const stack = debugging(process.env) && error instanceof Error ? error.stack : undefined;
    printError(
      json,
      ExitCode.unavailable,
      `unexpected failure: ${firstLine}${debugging(process.env) ? '' : ' (CAIRN_DEBUG=1 shows where)'}`,
      stack === undefined ? null : { stack },
    );
    if (stack !== undefined && !json) process.stderr.write(`${stack}\n`);
    return ExitCode.unavailable;
  }
}
