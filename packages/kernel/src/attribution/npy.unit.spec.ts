import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { FC_SEED, bytesOf, matrixArb } from '../test-support/fixtures.js';
import { readNpy, writeNpy } from './npy.js';

function withHeader(dict: string, data = new Uint8Array(0), major = 1): Uint8Array {
  const header = new TextEncoder().encode(dict + '\n');
  const lenBytes = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenBytes + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, 8 + lenBytes);
  out.set(data, 8 + lenBytes + header.length);
  return out;
}

describe('.npy float32 2-D files', () => {
  it('given any matrix, when written and read back, then shape and bits survive', () => {
    fc.assert(
      fc.property(matrixArb(20, 20), (m) => {
        const bytes = writeNpy(m);
        expect((bytes.length - m.data.length * 4) % 64).toBe(0); // data starts 64-aligned
        const back = readNpy(bytes);
        if (E.isLeft(back)) throw new Error(back.left.reason);
        expect([back.right.rows, back.right.cols]).toEqual([m.rows, m.cols]);
        expect(bytesOf(back.right.data).equals(bytesOf(m.data))).toBe(true);
      }),
      { seed: FC_SEED, numRuns: 30 },
    );
  });

  it('given a version 2.0 file as numpy writes it, when read, then the values come back', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2, 3, 4.25, 0, 6]).buffer);
    const got = readNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", data, 2));
    expect(E.isRight(got) && Array.from(got.right.data)).toEqual([1.5, -2, 3, 4.25, 0, 6]);
  });

  it.each([
    ['not npy', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'magic'],
    ['float64', withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(8)), 'descr'],
    ['big endian', withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(4)), 'descr'],
    ['Fortran order', withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", new Uint8Array(4)), 'fortran_order'],
    ['1-D', withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(16)), 'shape'],
    ['short data', withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(12)), 'data'],
    ['version 9', withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(4), 9), 'version'],
  ])('given a file that is %s, when read, then a NpyError names %s', (_name, bytes, field) => {
    const got = readNpy(bytes);
    expect(E.isLeft(got) && got.left).toMatchObject({ _tag: 'NpyError', field });
  });
});
