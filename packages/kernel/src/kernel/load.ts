// Chooses and instantiates the kernel build. SIMD128 support is probed with
// WebAssembly.validate on a minimal module (as-sha256 does the same); tests force either build.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { KernelExports } from './exports.js';

export type KernelVariant = 'simd' | 'scalar';

// (module (func (result v128) i32.const 0 i8x16.splat)) — valid only where SIMD128 is.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0a, 0x01, 0x08,
  0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b,
]);

export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

export function resolveVariant(requested: KernelVariant | 'auto'): KernelVariant {
  if (requested === 'auto') return simdSupported() ? 'simd' : 'scalar';
  if (requested === 'simd' && !simdSupported())
    throw new Error('kernel: the SIMD build was requested but this runtime lacks WebAssembly SIMD128');
  return requested;
}

const modules = new Map<KernelVariant, Promise<WebAssembly.Module>>();

/** The compiled module of a build (compiled once per process). */
export function kernelModule(variant: KernelVariant): Promise<WebAssembly.Module> {
  let m = modules.get(variant);
  if (!m) {
    // Resolves against this file, so it works from src/kernel (tests) and dist/kernel alike.
    const url = new URL(`../../build/kernel-${variant}.wasm`, import.meta.url);
    m = readFile(url).then(
      (bytes) => WebAssembly.compile(bytes),
      (error: unknown) => {
        modules.delete(variant);
        throw new Error(`kernel: cannot read ${url.pathname} (run \`npm run build -w @cairn/kernel\`): ${String(error)}`);
      },
    );
    modules.set(variant, m);
  }
  return m;
}

export function newKernelMemory(): WebAssembly.Memory {
  // Must match asconfig.json (initialMemory 16 pages, maximumMemory 65536 pages, shared).
  return new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}
