// A folder export (`cairn export --format files|huggingface`) from a server: the version's facts
// come streamed as JSON Lines (GET /v1/versions/{ref}/export-facts, decoded a line at a time), and
// each sample's bytes in a request of its own signed with the reader's key (GET
// /v1/cfs/{cf}/content: the server decrypts only for the author or a holder of the reader role,
// and never an erased sample). The folder is written by the same code as a local export.
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { RequestSigner } from '@cairn/core';
import type { ErasedMember, ExportMember } from '@cairn/datasets';
import type { AsOf } from '@cairn/projector';
import type { ReadError, UsageError } from '../errors.js';
import { materialiseFrom, type FolderFacts, type MaterialiseOptions, type MaterialisedExport } from '../export-folder.js';
import type { SampleReadError } from '../exports.js';
import { ExportFactsHeader, ExportFactsMember, versionExportOf } from '../wire/export-facts.js';
import { unavailable } from './read-error.js';
import type { RemoteCairn } from './remote-cairn.js';
import { readRemoteSampleBytes } from './sample-bytes.js';

type RemoteExportError = ReadError | SampleReadError | UsageError;

/** The lines of a JSON Lines body, as they arrive. */
async function* linesOf(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

const decodeLine = <A>(line: string, codec: t.Type<A, unknown, unknown>): E.Either<string, A> => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return E.left('a line that is not JSON');
  }
  const decoded = codec.decode(value);
  return E.isLeft(decoded) ? E.left(`a line that is not ${codec.name}`) : E.right(decoded.right);
};

/** The facts a folder export is written from, read from the server's stream. `headerOnly`: stop after the first line. */
export async function remoteFolderFacts(
  remote: RemoteCairn,
  ref: string,
  asOf?: AsOf,
  headerOnly = false,
): Promise<E.Either<ReadError, FolderFacts>> {
  const body = await remote.exportFacts(ref, asOf);
  if (E.isLeft(body)) return body;
  const unreadable = (why: string) =>
    E.left(unavailable(`the server at ${remote.location.url} answered the export facts of ${ref} with ${why}`));
  const lines = linesOf(body.right);
  try {
    const first = await lines.next();
    if (first.done === true) return unreadable('no lines');
    const header = decodeLine(first.value, ExportFactsHeader);
    if (E.isLeft(header)) return unreadable(header.left);
    const members: ExportMember[] = [];
    const importPaths = new Map<string, unknown>();
    if (!headerOnly)
      for await (const line of lines) {
        const m = decodeLine(line, ExportFactsMember);
        if (E.isLeft(m)) return unreadable(m.left);
        const { importPath, ...member } = m.right;
        members.push(member);
        if (importPath !== null) importPaths.set(member.cfId, importPath);
      }
    // A stream cut short is not a smaller version.
    if (!headerOnly && members.length !== header.right.members)
      return unreadable(`${members.length} member lines where its first line counts ${header.right.members}`);
    return E.right({ version: versionExportOf(header.right, members), publication: header.right.publication, importPaths });
  } catch (cause) {
    return unreadable(`a broken stream (${cause instanceof Error ? cause.message : String(cause)})`);
  } finally {
    // Stops reading (and lets the connection go) when the header was all that was wanted.
    await lines.return(undefined);
  }
}

/**
 * Writes the decrypted samples of version `ref`, as the server holds it, into `dir`: the same
 * files, byte for byte, as materialiseVersion writes from the store itself.
 */
export async function materialiseRemoteVersion(
  remote: RemoteCairn,
  ref: string,
  reader: RequestSigner,
  dir: string,
  options: MaterialiseOptions = {},
  asOf?: AsOf,
  send: typeof fetch = fetch,
): Promise<E.Either<RemoteExportError, MaterialisedExport>> {
  return materialiseFrom<RemoteExportError>(
    {
      facts: () => remoteFolderFacts(remote, ref, asOf),
      readSample: async (cfId) => {
        const read = await readRemoteSampleBytes(remote.location, cfId, reader, send);
        if (E.isRight(read)) return E.right(read.right.bytes);
        return read.left._tag === 'ErasedSample' ? E.right('erased') : read;
      },
      erasures: async (cfIds) => {
        // The server's facts name every member erased as of now: those read as erased among them.
        const now = await remoteFolderFacts(remote, ref, asOf, true);
        if (E.isLeft(now)) return now;
        const found = new Map<string, ErasedMember>();
        for (const cfId of cfIds) {
          const e = now.right.version.erased.get(cfId);
          if (e !== undefined) found.set(cfId, e);
        }
        return E.right(found);
      },
    },
    dir,
    options,
  );
}
