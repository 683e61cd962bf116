// cairn serve: the HTTP API (@cairn/server) over the store the global options name, until
// SIGINT or SIGTERM. The CLI only parses the flags, opens the store and prints where it listens.
import * as E from 'fp-ts/lib/Either.js';
import type { Command } from 'commander';
import { defaultPoolSize } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, usage } from '../fail.js';
import { toJson } from '../output.js';
import { openSession } from '../session.js';
import { globalsOf } from './common.js';

export const DEFAULT_PORT = 7420;
export const DEFAULT_HOST = '127.0.0.1';

function portOf(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) usage('--port', `expected a TCP port 0-65535 (0: any free port), got ${JSON.stringify(text)}`);
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('answer the HTTP API (reads, signed writes, live updates; GET /openapi.json describes it) until interrupted')
    .option('--port <port>', 'the TCP port (0: any free port)', String(DEFAULT_PORT))
    .option('--host <host>', 'the address to listen on', DEFAULT_HOST)
    .option(
      '--metadata <access>',
      'public: anyone who reaches the server reads lineage metadata; private: every /v1 read needs a signed request of a registered contributor (default: public on a loopback address, private otherwise)',
    )
    .action(async (opts: { port: string; host: string; metadata?: string }, command: Command) => {
      const port = portOf(opts.port);
      if (opts.metadata !== undefined && opts.metadata !== 'public' && opts.metadata !== 'private')
        usage('--metadata', `expected public or private, got ${JSON.stringify(opts.metadata)}`);
      const metadata = opts.metadata as 'public' | 'private' | undefined;
      const globals = globalsOf(command);
      // A long-lived process: worth a signature-verifying pool for the batches it is sent.
      // Loaded here, not with the program: every other command would pay for the HTTP framework.
      const { createServer } = await import('@cairn/server');
      const session = await openSession(globals, { verifyWorkers: defaultPoolSize(), lasting: true });
      const server = await createServer({ cairn: session.cairn, ...(metadata === undefined ? {} : { metadata }) });
      if (E.isLeft(server)) {
        await session.close();
        return fail(ExitCode.unavailable, server.left.message);
      }
      let url: string;
      try {
        url = await server.right.listen(port, opts.host);
      } catch (cause) {
        await server.right.close();
        await session.close();
        return fail(
          ExitCode.unavailable,
          `--port ${port} --host ${opts.host}: cannot listen (${cause instanceof Error ? cause.message : String(cause)})`,
        );
      }
      process.stdout.write(
        globals.json === true
          ? `${toJson({ url, store: session.location.kind, metadata: server.right.metadataAccess() })}\n`
          : `cairn serve: listening on ${url}, lineage metadata ${server.right.metadataAccess()} (API document: ${url}/openapi.json)\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.right.close();
      await session.close();
    });
}
