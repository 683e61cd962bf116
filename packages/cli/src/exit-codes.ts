// Exit codes are part of the CLI's interface: scripts branch on them.
export const ExitCode = {
  ok: 0,
  /** A check failed: verify found tampering, a proof or attestation did not verify. */
  checkFailed: 1,
  /**
   * The command line was wrong (unknown flag, bad value, missing argument), including a file it
   * names that cannot be read or written, and an --as-of past the head of the log; also an
   * unsigned read of a server that keeps lineage metadata private (pass --as).
   */
  usage: 2,
  /** The input was refused by a ledger rule; nothing was appended. */
  rejected: 3,
  /** Something asked for does not exist (CF, dataset, version, key). */
  notFound: 4,
  /** The store could not be reached or opened; also an unexpected failure (a bug). */
  unavailable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
