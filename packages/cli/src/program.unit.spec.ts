import { describe, expect, it } from '@jest/globals';
import { buildProgram, COMMAND_NAMES, commandNamed } from './program.js';

const names = (program: { readonly commands: readonly { name(): string }[] }) => program.commands.map((c) => c.name());
const argv = (...args: string[]) => ['node', 'cairn', ...args];

describe('the cairn program', () => {
  it('given no command line, then every command module is registered, in the order of the module table', async () => {
    const program = await buildProgram();
    // A module registering a command the table does not name (or no longer registering one it
    // names) fails here: the table is what a command line naming one command loads by.
    expect(names(program)).toEqual(COMMAND_NAMES.flat());
  });

  it('given a command line naming a command, then only the module registering it is loaded, and it registers exactly its names', async () => {
    for (const group of COMMAND_NAMES) {
      for (const name of group) {
        const program = await buildProgram({ argv: argv('--store', '/tmp/x', name, '--help') });
        expect(names(program)).toEqual(group);
      }
    }
  });

  it('given a word that is no command, or none, then every command is registered (help and suggestions stay whole)', async () => {
    const all = COMMAND_NAMES.flat();
    expect(names(await buildProgram({ argv: argv('statsu') }))).toEqual(all);
    expect(names(await buildProgram({ argv: argv('help', 'status') }))).toEqual(all);
    expect(names(await buildProgram({ argv: argv('--help') }))).toEqual(all);
    expect(names(await buildProgram({ argv: argv() }))).toEqual(all);
  });

  it('given global options before the command, then their values are not taken for the command', () => {
    expect(commandNamed(['--store', 'status', 'why', 'x'])).toBe('why');
    expect(commandNamed(['--store=status', '--json', 'status'])).toBe('status');
    expect(commandNamed(['--projections', 'postgres://h/db', '--store', 'esdb://h', 'show', 'abc'])).toBe('show');
    expect(commandNamed(['status', '--store', 'x'])).toBe('status');
  });

  it('given an option Commander must judge first, or nothing, then no command is named', () => {
    expect(commandNamed([])).toBeUndefined();
    expect(commandNamed(['--store'])).toBeUndefined();
    expect(commandNamed(['--version'])).toBeUndefined();
    expect(commandNamed(['--bogus', 'status'])).toBeUndefined();
    expect(commandNamed(['--', 'status'])).toBeUndefined();
  });
});
