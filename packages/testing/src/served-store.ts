// A store served by `cairn serve` and the Chromium a browser test or bench drives against it: one
// way to start both, shared by the explorer's browser suite and its bench. The command is given as
// a path (this package sits below the CLI, so it runs `cairn` as a user would, never imports it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, or the one `CAIRN_CHROMIUM` names. */
export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CAIRN_CHROMIUM ?? '/usr/bin/chromium';

export const haveChromium = (env: NodeJS.ProcessEnv = process.env): boolean => existsSync(chromiumPath(env));

/** Headless, and quiet: no sandbox (CI containers), no GPU, no background fetches or updates. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export interface ServedStore {
  readonly url: string;
  readonly child: ChildProcess;
  /** Stops the server and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node <cairnBin> --store <store> serve --port 0`; answers once it listens, with its URL.
 * A server that exits first fails it, with what it wrote to stderr.
 */
export function serveStore(cairnBin: string, store: string): Promise<ServedStore> {
  const child = spawn(process.execPath, [cairnBin, '--store', store, '--json', 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":\s*"([^"]+)"/.exec(out);
      if (m !== null)
        resolve({
          url: m[1]!,
          child,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`cairn serve exited ${code}: ${err}`)));
  });
}
