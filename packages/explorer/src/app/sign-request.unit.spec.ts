// The page signs a content read as the CLI does: for the same key, moment and nonce, its headers
// are byte for byte those @cairn/core's signRequest writes (and the server verifies); a file that
// is not a keyring entry is refused with the field at fault.
import { describe, expect, it } from '@jest/globals';
import { generateSigningKey, signRequest, toHex } from '@cairn/core';
import { readKeyFile, signGet } from './sign-request.js';

describe('signing a request in the browser', () => {
  it('given a keyring entry, when a content read is signed, then the headers are those the CLI writes for the same moment and nonce', () => {
    for (const url of ['http://127.0.0.1:7420/v1/cfs/ab12/content', 'http://[::1]:80/v1/cfs/x%20y/content?z=1']) {
      const secretKey = generateSigningKey();
      const contributorId = toHex(generateSigningKey());
      const read = readKeyFile(JSON.stringify({ name: 'alice', contributorId, secretKey: toHex(secretKey), publicKey: '00' }));
      if (!('key' in read)) throw new Error(read.error);
      const nonce = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
      const now = 1_800_000_000_123;
      const cli = signRequest(
        { method: 'GET', url },
        { contributorId, secretKey },
        { created: Math.floor(now / 1000), nonce: Buffer.from(nonce).toString('base64url') },
      );
      expect(signGet(url, read.key, now, nonce)).toEqual(cli);
      expect(read.key.name).toBe('alice');
    }
  });

  it('given files that are not keyring entries, when read, then each is refused naming what is wrong', () => {
    expect(readKeyFile('not json')).toEqual({ error: expect.stringContaining('not JSON') });
    expect(readKeyFile('{"secretKey":"00"}')).toEqual({ error: expect.stringMatching(/^contributorId:/) });
    expect(readKeyFile(JSON.stringify({ contributorId: 'a'.repeat(64), secretKey: 'zz' }))).toEqual({
      error: expect.stringMatching(/^secretKey:/),
    });
  });
});
