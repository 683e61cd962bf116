// Where a sample's decrypted bytes go (`cairn cat`, `cairn show --bytes`): to a file with --out,
// as base64 inside the JSON document with --json, or raw on stdout.
import { writeNamedFile } from './files.js';
import { emit } from './output.js';

/** `session` is any holder of the --json choice: a local session, or a remote read's globals. */
export async function printSampleBytes(
  session: { readonly json: boolean },
  cfId: string,
  bytes: Uint8Array,
  out: string | undefined,
): Promise<void> {
  if (out !== undefined) {
    await writeNamedFile('--out', out, bytes);
    emit({ cfId, size: bytes.length, out }, { json: session.json }, (x) => `wrote ${x.size} bytes of ${x.cfId} to ${x.out}`);
  } else if (session.json) emit({ cfId, size: bytes.length, base64: Buffer.from(bytes).toString('base64') }, { json: true }, () => '');
  else process.stdout.write(bytes);
}
