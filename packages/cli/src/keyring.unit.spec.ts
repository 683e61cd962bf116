// Key files are kept by hand as much as by `cairn keys`: one edited or cut short is refused naming
// the file and the reason (exit 2), never read with U+FFFD in a contributor id the CLI then signs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { CliFailure } from './fail.js';
import { openKeyring } from './keyring.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-keyring-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (contributorId: string) =>
  `{\n  "name": "eve",\n  "contributorId": "${contributorId}",\n  "secretKey": "${'1'.repeat(64)}",\n  "publicKey": "${'2'.repeat(64)}",\n  "previousKeys": [],\n  "revoked": false\n}\n`;

async function refusalOf(bytes: Buffer): Promise<{ exitCode: number; message: string } | 'read'> {
  await writeFile(path.join(dir, 'eve.json'), bytes);
  try {
    await openKeyring(dir).get('eve');
    return 'read';
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e;
    return { exitCode: e.exitCode, message: e.message };
  }
}

describe('a key file in the keyring', () => {
  const file = () => path.join(dir, 'eve.json');

  it('given a key file holding a byte that is not UTF-8, when it is read, then it is refused (exit 2) naming the file and the line', async () => {
    const [head, tail] = entry('c_1').split('_') as [string, string];
    expect(await refusalOf(Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]))).toEqual({
      exitCode: 2,
      message: `${file()}: not a readable key file (not well-formed UTF-8 on line 3)`,
    });
  });

  it('given a key file whose contributor id spells a lone surrogate, when it is read, then it is refused (exit 2) naming where', async () => {
    expect(await refusalOf(Buffer.from(entry('c\\ud800')))).toEqual({
      exitCode: 2,
      message: `${file()}: not a readable key file (line 3: string contains a lone surrogate at $.contributorId)`,
    });
  });

  it('given a key file that is not JSON or lacks what signing needs, when it is read, then it is refused (exit 2) saying what is wrong', async () => {
    expect(await refusalOf(Buffer.from('{ this is not json'))).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('not a readable key file'),
    });
    expect(await refusalOf(Buffer.from(entry('c1').replace('1'.repeat(64), 'zz')))).toEqual({
      exitCode: 2,
      message: `${file()}: not a key file of the keyring (secretKey: expected 64 lowercase hex characters)`,
    });
    expect(await refusalOf(Buffer.from('[]'))).toMatchObject({ message: expect.stringContaining('expected a JSON object') });
  });

  it('given a well-formed key file, when it is read, then it opens as written', async () => {
    await writeFile(file(), entry('c1'));
    const got = await openKeyring(dir).get('eve');
    expect(E.isRight(got) && got.right.contributorId).toBe('c1');
  });
});
