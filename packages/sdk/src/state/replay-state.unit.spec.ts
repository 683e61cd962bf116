// replayEvent judges each event against the ledger as it stood just before it: authority and
// keys are those at the event's position, not at the end of the log.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, type CairnEvent } from '@cairn/schemas';
import { newSigner, signEvent, type Signer } from '../signing.js';
import { streamOf } from '../rules/ledger-rules.js';
import { createLedgerReplay, replayEvent } from './replay-state.js';

function event(type: string, payload: unknown, signer: Signer): { readonly event: CairnEvent; readonly eventId: string } {
  const signed = signEvent(type, payload, signer);
  if (E.isLeft(signed)) throw new Error(signed.left.message);
  const decoded = decodeEvent(signed.right.envelope);
  if (E.isLeft(decoded)) throw new Error(`${type} does not decode`);
  return { event: decoded.right, eventId: signed.right.eventId };
}

/** Replays in order; answers the index and rule of the first event refused, or null. */
function firstRefused(events: readonly { readonly event: CairnEvent; readonly eventId: string }[]): { index: number; rule: string } | null {
  const replay = createLedgerReplay();
  for (const [index, { event: e, eventId }] of events.entries()) {
    const key = replayEvent(replay, e, { eventId, stream: streamOf(e, eventId), position: BigInt(index + 1) });
    if (E.isLeft(key)) return { index, rule: key.left.rule };
  }
  return null;
}

describe('replayEvent', () => {
  const alice = newSigner();
  const bob = newSigner();
  const registrations = [
    event('ContributorRegistered', { publicKey: alice.publicKey, name: 'alice' }, alice),
    event('ContributorRegistered', { publicKey: bob.publicKey, name: 'bob' }, bob),
  ];
  const sample = event(
    'SampleContributed',
    { commitment: { scheme: 'sha256', value: 'ab'.repeat(32) }, size: 3, mediaType: 'text/plain', license: 'MIT', source: 'notes' },
    alice,
  );
  const grantCurator = event('ContributorRoleGranted', { contributor: bob.contributorId, role: 'curator' }, alice);
  const deprecation = event('ContributionDeprecated', { target: sample.eventId, reason: 'takedown' }, bob);

  it('given bob made curator after his deprecation, when replayed, then the deprecation is refused at its position', () => {
    expect(firstRefused([...registrations, sample, deprecation, grantCurator])).toEqual({ index: 3, rule: 'deprecation-authority' });
  });

  it('given bob made curator before his deprecation, when replayed, then every event passes', () => {
    expect(firstRefused([...registrations, sample, grantCurator, deprecation])).toBeNull();
  });

  it('given an event filed on another stream than the SDK files it under, then stream-placement refuses it', () => {
    const replay = createLedgerReplay();
    const [first] = registrations;
    const key = replayEvent(replay, first!.event, { eventId: first!.eventId, stream: `contributor-${bob.contributorId}`, position: 1n });
    expect(key).toMatchObject({ left: { rule: 'stream-placement' } });
  });
});
