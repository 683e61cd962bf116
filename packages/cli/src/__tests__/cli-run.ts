// Runs the REAL binary (dist/bin.js) the way a user would, in a temp working directory, or the
// same built program's main() in a process kept for the test file (cairnHere) where a fresh
// process per command adds nothing.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from '@jest/globals';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const SERVER = fileURLToPath(new URL('./cairn-server.mjs', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type Cairn = (cwd: string, env: NodeJS.ProcessEnv, ...args: string[]) => Promise<CliResult>;

export const cairn: Cairn = (cwd, env, ...args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

interface Pending {
  readonly resolve: (r: CliResult) => void;
  readonly reject: (e: Error) => void;
}

let server: { readonly child: ChildProcess; readonly pending: Map<number, Pending> } | undefined;
let nextId = 0;

function startServer(): NonNullable<typeof server> {
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, Pending>();
  const started = { child, pending };
  child.on('message', (m: CliResult & { id: number }) => {
    pending.get(m.id)?.resolve({ code: m.code, stdout: m.stdout, stderr: m.stderr });
    pending.delete(m.id);
    if (pending.size === 0) child.channel?.unref();
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`cairn-server exited (${signal ?? code}) with a command pending`));
    pending.clear();
    if (server === started) server = undefined;
  });
  // The server waits for commands; it must not keep the test process alive when they stop.
  child.unref();
  child.channel?.unref();
  return started;
}

/**
 * The built program's main(), as bin.js calls it (same argv, cwd and environment), run in one
 * long-lived Node process per test file (cairn-server.mjs) instead of a new process per command:
 * every new process starts Node and the embedded store's engine again. For givens that only
 * prepare a ledger and for queries whose answer is all that is asserted. What only a fresh
 * process shows (exit with a handle open, the bin shim, two processes on one store, signals)
 * stays with `cairn`.
 */
export const cairnHere: Cairn = (cwd, env, ...args) => {
  server ??= startServer();
  const { child, pending } = server;
  const id = nextId++;
  return new Promise<CliResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    child.channel?.ref();
    child.send({ id, cwd, env, args });
  });
};

afterAll(async () => {
  const child = server?.child;
  server = undefined;
  if (child === undefined || child.exitCode !== null) return;
  // The server exits when its channel closes; waiting for it leaves no process behind the file.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect();
  await exited;
});

/** Runs with --json and parses stdout; fails the test with stderr when the exit code is not 0. */
export function jsonVia(run: Cairn) {
  return async <T = Record<string, unknown>>(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<T> => {
    const r = await run(cwd, env, '--json', ...args);
    if (r.code !== 0) throw new Error(`cairn ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
}

export const cairnJson = jsonVia(cairn);
export const cairnJsonHere = jsonVia(cairnHere);
