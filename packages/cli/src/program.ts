// The `cairn` command: global options, every subcommand, and the mapping of failures to exit
// codes (exit-codes.ts) and stderr.
import { setRunningCommand } from './session.js';
import { Command, CommanderError } from 'commander';
import { ExitCode } from './exit-codes.js';
import { CliFailure } from './fail.js';
import { toJson } from './output.js';

type Register = (program: Command) => void;

/**
 * Every command module, with the top-level commands it registers, in the order `cairn --help`
 * lists them. Loaded on demand: a command line naming one command loads that module alone, so
 * `cairn status` does not load CSV parsing, the attribution kernel or rendering it never uses.
 */
const COMMAND_MODULES: readonly { readonly names: readonly string[]; readonly load: () => Promise<Register> }[] = [
  { names: ['init', 'status'], load: async () => (await import('./commands/init-status.js')).registerInitStatus },
  { names: ['keys'], load: async () => (await import('./commands/keys.js')).registerKeys },
  { names: ['roles'], load: async () => (await import('./commands/roles.js')).registerRoles },
  { names: ['contribute', 'amend', 'deprecate', 'erase'], load: async () => (await import('./commands/contribute.js')).registerContribute },
  { names: ['import'], load: async () => (await import('./commands/import.js')).registerImport },
  { names: ['manifest', 'dataset'], load: async () => (await import('./commands/datasets.js')).registerDatasets },
  { names: ['diff', 'why', 'impact', 'history'], load: async () => (await import('./commands/queries.js')).registerQueries },
  { names: ['show'], load: async () => (await import('./commands/show.js')).registerShow },
  { names: ['trace', 'prove'], load: async () => (await import('./commands/trace-prove.js')).registerTraceProve },
  { names: ['record-run', 'record-gradients'], load: async () => (await import('./commands/runs.js')).registerRuns },
  { names: ['runs', 'reproduce-check', 'unlearning'], load: async () => (await import('./commands/runs-query.js')).registerRunsQueries },
  { names: ['attribute', 'credit'], load: async () => (await import('./commands/attribution.js')).registerAttribution },
  { names: ['licenses', 'card'], load: async () => (await import('./commands/licenses-card.js')).registerLicensesCard },
  { names: ['export'], load: async () => (await import('./commands/export.js')).registerExport },
  { names: ['cat'], load: async () => (await import('./commands/cat.js')).registerCat },
  { names: ['attest'], load: async () => (await import('./commands/attest.js')).registerAttest },
  { names: ['passport'], load: async () => (await import('./commands/passport.js')).registerPassport },
  { names: ['record-keeping'], load: async () => (await import('./commands/record-keeping.js')).registerRecordKeeping },
  { names: ['report'], load: async () => (await import('./commands/report.js')).registerReport },
  { names: ['contamination'], load: async () => (await import('./commands/contamination.js')).registerContamination },
  { names: ['replay'], load: async () => (await import('./commands/replay.js')).registerReplay },
  { names: ['serve'], load: async () => (await import('./commands/serve.js')).registerServe },
  { names: ['verify', 'checkpoint'], load: async () => (await import('./commands/verify.js')).registerVerify },
  { names: ['tree-head'], load: async () => (await import('./commands/tree-head.js')).registerTreeHead },
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemo },
];

/** The top-level command names each module registers (a spec checks them against the modules). */
export const COMMAND_NAMES: readonly (readonly string[])[] = COMMAND_MODULES.map((m) => m.names);

/** Global options that take a value: the word after them is that value, not a command. */
const VALUED_GLOBALS = new Set(['--store', '--projections', '--as']);

/**
 * The command a command line names: its first word that is neither a global option nor such an
 * option's value. Undefined when there is none, or when something else comes first (an unknown
 * option, `--`, help): then every command is registered and Commander says what it says today.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUED_GLOBALS.has(arg)) i++;
    else if (arg === '--json' || [...VALUED_GLOBALS].some((o) => arg.startsWith(`${o}=`))) continue;
    else return arg.startsWith('-') ? undefined : arg;
  }
  return undefined;
}

function newProgram(): Command {
  return new Command('cairn')
    .description('Cairn: an append-only, event-sourced lineage ledger for AI training data')
    .version('0.1.0')
    .option('--store <location>', 'a folder (embedded, default ./.cairn), postgres://... or esdb://... (env CAIRN_STORE)')
    .option('--projections <url>', 'postgres://... for the projection tables of an esdb:// store (env CAIRN_PROJECTIONS)')
    .option('--json', 'print one stable JSON document on stdout instead of text');
}

/**
 * The program with every command, or, given a command line (node, script, ...args) that names
 * one, with only the module that registers it: what runs is the same command either way.
 */
export async function buildProgram(options: { readonly json?: boolean; readonly argv?: readonly string[] } = {}): Promise<Command> {
  const program = newProgram();
  const named = options.argv === undefined ? undefined : commandNamed(options.argv.slice(2));
  const one = named === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(named));
  // One module after the other: Jest's ESM loader trips over concurrent imports sharing modules.
  for (const m of one === undefined ? COMMAND_MODULES : [one]) (await m.load())(program);
  // Reads over HTTP are signed as --as. A command that signs with its own --as keeps it: a
  // program option would take the flag from it (Commander reads global options anywhere).
  if (one !== undefined && !declaresAs(program))
    program.option('--as <name>', "over http://: the signer reads are signed as (env CAIRN_AS; default: the keyring's only signer)");
  exitOverrideAll(program, options.json === true);
  // A command that cannot be asked of a server names itself when refusing one (session.ts).
  program.hook('preAction', (_program, action) => setRunningCommand(commandPath(action)));
  return program;
}
const declaresAs = (command: Command): boolean => command.options.some((o) => o.long === '--as') || command.commands.some(declaresAs);

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
  const program = await buildProgram({ json, argv });
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
