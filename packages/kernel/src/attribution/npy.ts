// NumPy .npy files of 2-D float32 arrays (format spec: numpy.lib.format, versions 1.0–3.0):
// "\x93NUMPY", major, minor, header length (u16 LE in 1.0, u32 LE in 2.0/3.0), a Python dict
// literal {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), } padded with spaces
// and a newline, then the data in C order, little endian.
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32, type MatrixF32 } from '../matrix.js';

export interface NpyError {
  readonly _tag: 'NpyError';
  readonly field: 'magic' | 'version' | 'header' | 'descr' | 'fortran_order' | 'shape' | 'data';
  readonly reason: string;
}

const npyError = (field: NpyError['field'], reason: string): E.Either<NpyError, never> => E.left({ _tag: 'NpyError', field, reason });

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function dictEntry(header: string, key: string): string | undefined {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|True|False|\\([^)]*\\))`).exec(header);
  return m?.[1];
}

export interface ReadNpyOptions {
  /** Also accept a 1-D array of shape (n,), read as n × 1 (a per-row vector, as np.save writes one). */
  readonly vector?: boolean;
}

export function readNpy(bytes: Uint8Array, options: ReadNpyOptions = {}): E.Either<NpyError, MatrixF32> {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) return npyError('magic', 'not a .npy file: it must start with \\x93NUMPY');
  const major = bytes[6]!;
  if (major < 1 || major > 3) return npyError('version', `format version ${major}.${bytes[7]} is not supported (1.0 to 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) return npyError('header', 'file ends inside the header length');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (bytes.length < dataStart) return npyError('header', `header claims ${headerLen} bytes but the file ends before them`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataStart));
  if (!/^\s*\{.*\}\s*$/s.test(header)) return npyError('header', 'header is not a Python dict literal');
  const descr = dictEntry(header, 'descr');
  if (descr === undefined) return npyError('descr', "header has no 'descr'");
  const dtype = descr.slice(1, -1);
  if (dtype !== '<f4') return npyError('descr', `dtype ${dtype} is not supported: only little-endian float32 ('<f4')`);
  const fortran = dictEntry(header, 'fortran_order');
  if (fortran === undefined) return npyError('fortran_order', "header has no 'fortran_order'");
  if (fortran !== 'False') return npyError('fortran_order', 'Fortran (column-major) order is not supported: save the array in C order');
  const shapeText = dictEntry(header, 'shape');
  if (shapeText === undefined) return npyError('shape', "header has no 'shape'");
  const dims = shapeText
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (options.vector === true && dims.length === 1) dims.push('1');
  if (dims.length !== 2 || dims.some((s) => !/^\d+$/.test(s))) return npyError('shape', `shape ${shapeText} is not 2-D (rows, cols)`);
  const [rows, cols] = dims.map(Number) as [number, number];
  const expected = rows * cols * 4;
  if (!Number.isSafeInteger(expected)) return npyError('shape', `shape ${shapeText} is too large`);
  if (bytes.length - dataStart !== expected) {
    return npyError('data', `shape ${shapeText} needs ${expected} data bytes, the file has ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + i * 4, true);
  return E.right(matrixF32(rows, cols, data));
}

/** The version 1.0 preamble and header of a rows × cols float32 .npy, padded so the data starts at a multiple of 64 bytes. */
export function npyHeader(rows: number, cols: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Version 1.0, header padded so the data starts at a multiple of 64 bytes. */
export function writeNpy(m: MatrixF32): Uint8Array {
  const head = npyHeader(m.rows, m.cols);
  const out = new Uint8Array(head.length + m.data.length * 4);
  out.set(head, 0);
  const view = new DataView(out.buffer);
  const start = head.length;
  for (let i = 0; i < m.data.length; i++) view.setFloat32(start + i * 4, m.data[i]!, true);
  return out;
}
