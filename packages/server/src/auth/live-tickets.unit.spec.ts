import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { liveTickets } from './live-tickets.js';

const holder = { contributorId: 'c1', publicKey: 'ab'.repeat(32) };

describe('live stream tickets', () => {
  it('given a ticket, when it is redeemed before it expires, then its holder is told once; a second redemption is a replay', () => {
    let now = 1_000_000;
    const tickets = liveTickets(60, 10, () => now);
    const issued = tickets.issue(holder)!;
    expect(issued.expiresAt.getTime()).toBe(now + 60_000);
    now += 59_999;
    expect(tickets.redeem(issued.ticket)).toEqual(E.right(holder));
    expect(tickets.redeem(issued.ticket)).toEqual(E.left({ reason: expect.stringMatching(/^replayed: /) }));
  });

  it('given a ticket, when it is redeemed at or after its expiry, then it is refused as expired, and then as unknown', () => {
    let now = 1_000_000;
    const tickets = liveTickets(60, 10, () => now);
    const issued = tickets.issue(holder)!;
    now += 60_000;
    expect(tickets.redeem(issued.ticket)).toEqual(E.left({ reason: expect.stringMatching(/^expired: /) }));
    expect(tickets.redeem(issued.ticket)).toEqual(E.left({ reason: expect.stringMatching(/^unknown: /) }));
  });

  it('given a full store, then no ticket is issued until the old ones expire; expired ones make room', () => {
    let now = 0;
    const tickets = liveTickets(10, 2, () => now);
    const a = tickets.issue(holder)!;
    expect(tickets.issue(holder)).toBeDefined();
    expect(tickets.issue(holder)).toBeUndefined();
    now += 10_000;
    expect(tickets.issue(holder)).toBeDefined();
    expect(tickets.size).toBe(1);
    expect(E.isLeft(tickets.redeem(a.ticket))).toBe(true);
  });

  it('given many tickets, then each is different (32 random bytes)', () => {
    const tickets = liveTickets();
    const seen = new Set(Array.from({ length: 100 }, () => tickets.issue(holder)!.ticket));
    expect(seen.size).toBe(100);
  });
});
