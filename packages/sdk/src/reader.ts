// Who reads a sample's bytes, and how it proves it holds its contributor's current key.
import type { Signer } from './signing.js';

/**
 * A reader that proved its key elsewhere: `signature` is its Ed25519 signature of `message`
 * under the contributor's current key (for a server, the RFC 9421 signature base of the request
 * that asked). Freshness and replay are the verifier's to check before passing it on: the
 * ledger checks only that the key is the contributor's current one and that it signed.
 */
export interface SignedReader {
  readonly contributorId: string;
  readonly proof: { readonly message: Uint8Array; readonly signature: Uint8Array };
}

/** A local reader hands its signer; a remote one its signed request. */
export type Reader = Signer | SignedReader;
