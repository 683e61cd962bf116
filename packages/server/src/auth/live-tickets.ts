// Tickets for the live stream. A browser's EventSource cannot set headers, so with private
// metadata it cannot sign `GET /v1/live`. Instead the page makes one signed request,
// `POST /v1/live/tickets`, and opens `/v1/live?ticket=…` with what it gets. A ticket:
// - is single-purpose: it opens the live stream and nothing else (no other route reads it);
// - is single-use: the first open spends it; a second is refused as replayed, so a ticket that
//   leaks through a URL in a log or a proxy is worth nothing once its page has connected;
// - expires soon (default 60 s): a ticket never used is dead within a minute;
// - is bound to the key that signed for it: if that contributor's key is revoked or rotated before
//   the ticket is used, the ticket is refused.
// A ticket is 32 random bytes, held only in this process (like the nonces, auth/nonce-store.ts):
// it opens the stream on the process that issued it, and is refused by any other (it fails
// closed). Bounded: past the capacity, new tickets are refused until old ones expire.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

export const DEFAULT_LIVE_TICKET_SECONDS = 60;
export const DEFAULT_LIVE_TICKET_CAPACITY = 10_000;

export interface TicketHolder {
  readonly contributorId: string;
  /** The public key (hex) that signed the request for the ticket. */
  readonly publicKey: string;
}

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: Date;
}

export type TicketRefusal = { readonly reason: string };

export interface LiveTickets {
  /** A new ticket for `holder`, or undefined when the store is full. */
  issue(holder: TicketHolder): IssuedTicket | undefined;
  /** Spends `ticket`: its holder the first time, before its expiry; a refusal otherwise. */
  redeem(ticket: string): E.Either<TicketRefusal, TicketHolder>;
  readonly size: number;
}

interface Entry extends TicketHolder {
  readonly expiresMs: number;
  used: boolean;
}

export function liveTickets(
  seconds = DEFAULT_LIVE_TICKET_SECONDS,
  capacity = DEFAULT_LIVE_TICKET_CAPACITY,
  now: () => number = Date.now,
): LiveTickets {
  // Kept until expiry even once used, so a replay is told as one (not as unknown).
  const tickets = new Map<string, Entry>();
  const expire = (at: number) => {
    // Insertion order is expiry order (one lifetime for all).
    for (const [ticket, entry] of tickets) {
      if (entry.expiresMs > at) break;
      tickets.delete(ticket);
    }
  };
  return {
    issue(holder) {
      const at = now();
      expire(at);
      if (tickets.size >= capacity) return undefined;
      const ticket = randomBytes(32).toString('base64url');
      const expiresMs = at + seconds * 1000;
      tickets.set(ticket, { contributorId: holder.contributorId, publicKey: holder.publicKey, expiresMs, used: false });
      return { ticket, expiresAt: new Date(expiresMs) };
    },
    redeem(ticket) {
      const at = now();
      const entry = tickets.get(ticket);
      if (entry === undefined || entry.expiresMs <= at) {
        if (entry !== undefined) tickets.delete(ticket);
        return E.left({
          reason:
            entry === undefined
              ? 'unknown: this server process issued no such ticket, or it has expired (ask POST /v1/live/tickets for another)'
              : `expired: the ticket was good until ${new Date(entry.expiresMs).toISOString()}`,
        });
      }
      if (entry.used) return E.left({ reason: 'replayed: this ticket was already used to open the live stream' });
      entry.used = true;
      return E.right({ contributorId: entry.contributorId, publicKey: entry.publicKey });
    },
    get size() {
      return tickets.size;
    },
  };
}
