// The ledger's state as the rules see it, folded one accepted event at a time over a base (the
// log as loaded for a batch, or nothing for a replay from the start). `replayEvent` is the one
// step both the SDK (per batch item) and `cairn verify` (per logged event) take: judge the event
// against the state just before it, then fold it in.
import * as E from 'fp-ts/lib/Either.js';
import type { LogPosition } from '@cairn/eventlog';
import type { CairnEvent } from '@cairn/schemas';
import type { RuleViolation } from '../errors.js';
import { checkLedgerRules } from '../rules/ledger-rules.js';
import type { BatchView, KnownEvent } from '../rules/view.js';
import { applyContributorEvent, type ContributorState } from './contributor-state.js';

export interface LedgerReplay extends BatchView {
  /** Folds an event the rules accepted into the state the next event is judged against. */
  apply(event: CairnEvent, eventId: string, stream: string, position: LogPosition): void;
}

const EMPTY: BatchView = {
  event: () => undefined,
  contributor: () => undefined,
  streamExists: () => false,
  founder: undefined,
  keyOwner: () => undefined,
  nameOwner: () => undefined,
  datasetDefiner: () => undefined,
  erasedBy: () => undefined,
};

const CONTRIBUTOR_PREFIX = 'contributor-';
/** More than the catalogue's event types. */
const TYPE_SLOTS = 64;

/** A state over `base`; a replay of a whole log starts from the empty ledger. */
export function createLedgerReplay(base: BatchView = EMPTY): LedgerReplay {
  // A replay of a long log remembers every event: one number per id (type and signer as small
  // indexes) rather than an object, and one copy of each signer id.
  const types: string[] = [];
  const signers: string[] = [];
  const typeIndex = new Map<string, number>();
  const signerIndex = new Map<string, number>();
  const indexOf = (table: string[], index: Map<string, number>, value: string): number => {
    let i = index.get(value);
    if (i === undefined) {
      i = table.length;
      table.push(value);
      index.set(value, i);
    }
    return i;
  };
  const events = new Map<string, number>();
  const contributors = new Map<string, ContributorState>();
  const streams = new Set<string>();
  const keys = new Map<string, string>();
  const names = new Map<string, string>();
  const definers = new Map<string, string>();
  const erasures = new Map<string, string>();
  let firstRegistered: string | undefined;
  const contributorOf = (id: string) => contributors.get(id) ?? base.contributor(id);

  return {
    event: (id): KnownEvent | undefined => {
      const packed = events.get(id);
      if (packed === undefined) return base.event(id);
      return { type: types[packed % TYPE_SLOTS]!, signer: signers[Math.floor(packed / TYPE_SLOTS)]! };
    },
    contributor: contributorOf,
    streamExists: (stream) => streams.has(stream) || base.streamExists(stream),
    get founder() {
      return base.founder ?? firstRegistered;
    },
    keyOwner: (publicKey) => keys.get(publicKey) ?? base.keyOwner(publicKey),
    nameOwner: (name) => names.get(name) ?? base.nameOwner(name),
    datasetDefiner: (name) => definers.get(name) ?? base.datasetDefiner(name),
    erasedBy: (sampleId) => erasures.get(sampleId) ?? base.erasedBy(sampleId),
    apply: (event, eventId, stream, position) => {
      events.set(eventId, indexOf(types, typeIndex, event.type) + indexOf(signers, signerIndex, event.signer) * TYPE_SLOTS);
      streams.add(stream);
      if (event.type === 'ContributorRegistered') {
        keys.set(event.payload.publicKey, event.signer);
        names.set(event.payload.name, event.signer);
        firstRegistered ??= event.signer;
      } else if (event.type === 'ContributorKeyRotated') {
        keys.set(event.payload.newPublicKey, event.signer);
      } else if (event.type === 'DatasetDefined') {
        definers.set(event.payload.name, event.signer);
      } else if (event.type === 'SampleErased') {
        if (!erasures.has(event.payload.sample)) erasures.set(event.payload.sample, eventId);
      }
      if (!stream.startsWith(CONTRIBUTOR_PREFIX)) return;
      const owner = stream.slice(CONTRIBUTOR_PREFIX.length);
      const before = contributorOf(owner);
      const after = applyContributorEvent(owner, before, event, position, before === undefined ? 0n : before.revision + 1n);
      if (after) contributors.set(owner, after);
    },
  };
}

/** Judges `event` (on `stream`, at `position`) against `replay`, and folds it in when it passes; answers its signing key. */
export function replayEvent(
  replay: LedgerReplay,
  event: CairnEvent,
  at: { readonly eventId: string; readonly stream: string; readonly position: LogPosition; readonly index?: number },
): E.Either<RuleViolation, string> {
  const key = checkLedgerRules(event, at.eventId, at.stream, replay, at.index);
  if (E.isRight(key)) replay.apply(event, at.eventId, at.stream, at.position);
  return key;
}
