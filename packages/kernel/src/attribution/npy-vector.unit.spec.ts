// A per-row weight vector is saved by np.save as a 1-D array; readNpy reads it as n × 1 only when
// asked, so a 1-D file is still refused where a 2-D matrix is meant.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32 } from '../matrix.js';
import { npyHeader, readNpy, writeNpy } from './npy.js';

function vectorNpy(values: readonly number[]): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${values.length},), }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  values.forEach((v, i) => view.setFloat32(10 + header.length + i * 4, v, true));
  return out;
}

describe('readNpy of a vector', () => {
  it('given a 1-D float32 .npy, when read as a vector, then it is n × 1 with the same values', () => {
    const read = readNpy(vectorNpy([0.5, -2, 3]), { vector: true });
    expect(E.isRight(read) && { rows: read.right.rows, cols: read.right.cols, data: [...read.right.data] }).toEqual({
      rows: 3,
      cols: 1,
      data: [0.5, -2, 3],
    });
  });

  it('given a 1-D float32 .npy, when read as a matrix, then it is refused naming the shape', () => {
    expect(readNpy(vectorNpy([1, 2]))).toEqual(E.left({ _tag: 'NpyError', field: 'shape', reason: 'shape (2,) is not 2-D (rows, cols)' }));
  });

  it('given a header written on its own, when data is appended, then the file is what writeNpy writes', () => {
    const m = matrixF32(2, 3, Float32Array.of(1, 2, 3, 4, 5, 6));
    const whole = writeNpy(m);
    const head = npyHeader(2, 3);
    expect(head.length % 64).toBe(0);
    expect([...whole.subarray(0, head.length)]).toEqual([...head]);
  });
});
