// The CLI's kept process (packages/cli/src/__tests__/cairn-server.mjs, the one behind the CLI
// tests' cairnHere), forked by its path: the built program's main() run per command in one Node
// process, so a parity question costs a command, not a Node start. Commands run one at a time.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const KEPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cli/src/__tests__/cairn-server.mjs');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KeptCli {
  run(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  close(): Promise<void>;
}

export function keptCli(cwd: string): KeptCli {
  const child = fork(KEPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (r: CliResult) => void>();
  let next = 0;
  child.on('message', (m: CliResult & { id: number }) => {
    pending.get(m.id)?.({ code: m.code, stdout: m.stdout, stderr: m.stderr });
    pending.delete(m.id);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    run: (args, env = {}) =>
      new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        child.send({ id, cwd, env, args });
      }),
    close: async () => {
      if (child.exitCode === null && child.connected) child.disconnect();
      await exited;
    },
  };
}
