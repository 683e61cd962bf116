// The default for lineage metadata. On a loopback address only processes on this machine reach
// the server, and they can open the store folder itself: a signature would protect nothing, and
// public reads let the explorer and scripts work with no keys. On any other address, anyone who
// can reach the port would read every contributor's name, every source, licence and dataset:
// such a server starts private, and opening it (--metadata public) is a decision someone makes.
import { isIP } from 'node:net';
import type { MetadataAccess } from './register-signatures.js';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h.startsWith('::ffff:127.');
}

export const metadataAccessFor = (host: string): MetadataAccess => (isLoopback(host) ? 'public' : 'private');
