// Ledger.amend: only the fields an amendment of the CF's kind may change, each refused by name
// otherwise; a sample amended without new bytes keeps its content commitment (personal data too),
// which is how assembly knows the amendment is the same material.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { contributeSample, ledgerOn, left, logSize, register, right, text } from './__tests__/given.js';
import type { Ledger } from './ledger.js';
import { checkAmendable } from './api/amend.js';

async function payloadOf(ledger: Ledger, id: string): Promise<Record<string, unknown>> {
  const found = await ledger.log.readByIds([id]);
  if (E.isLeft(found) || found.right[0] === undefined) throw new Error(`no event ${id}`);
  return (found.right[0].data as { payload: Record<string, unknown> }).payload;
}

describe('amend', () => {
  it('given a sample, when amended with a field a sample does not have, then it is refused naming the field and nothing is appended', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const before = await logSize(ledger);
    const error = left(await ledger.amend(s.id, { colour: 'red' }, alice));
    expect(error).toMatchObject({ _tag: 'DecodeFailure', type: 'SampleContributed' });
    expect((error as { message: string }).message).toBe(
      'amend sample.colour: a sample has no field "colour" an amendment can change (it can change mediaType, license, source, attributes, personalData, bytes)',
    );
    expect(await logSize(ledger)).toBe(before);
  });

  it('given a sample, when amended with a derived or link field, then each is refused with what to do instead', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const error = left(await ledger.amend(s.id, { size: 3, supersedes: s.id, bytes: 'abc' }, alice));
    expect((error as { message: string }).message.split('\n')).toEqual([
      'amend sample.size: it is derived from the bytes; give new bytes instead',
      'amend sample.supersedes: to replace a CF with another, supersede it instead of amending it',
      'amend sample.bytes: new bytes must be a Uint8Array (the CLI reads them with --file)',
    ]);
  });

  it('given a label, when amended with a field of a sample, then it is refused naming the field', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const l = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, alice));
    const error = left(await ledger.amend(l.id, { license: 'MIT' }, alice));
    expect((error as { message: string }).message).toBe(
      'amend label.license: a label has no field "license" an amendment can change (it can change targets, labelType, value, rationale)',
    );
  });

  it('given a sample, when its license is amended, then the amendment has the same content commitment and size', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const amended = right(await ledger.amend(s.id, { license: 'MIT', attributes: { row: 7 } }, alice));
    const [original, amendment] = [await payloadOf(ledger, s.id), await payloadOf(ledger, amended.id)];
    expect(amendment).toMatchObject({
      license: 'MIT',
      attributes: { row: 7 },
      amends: s.id,
      commitment: original.commitment,
      size: original.size,
    });
  });

  it('given a personal-data sample, when its source is amended, then the keyed commitment is kept (same salt) and the bytes read back', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice, 'Jane Doe, 555-0100', { personalData: true });
    const amended = right(await ledger.amend(s.id, { source: 'crm-export-2' }, alice));
    const [original, amendment] = [await payloadOf(ledger, s.id), await payloadOf(ledger, amended.id)];
    expect(amendment).toMatchObject({ personalData: true, source: 'crm-export-2', commitment: original.commitment });
    expect(new TextDecoder().decode(right(await ledger.samples.read(amended.id)))).toBe('Jane Doe, 555-0100');
  });

  it('given a sample, when amended with new bytes, then the amendment commits to the new bytes', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const amended = right(await ledger.amend(s.id, { bytes: text('corrected') }, alice));
    const [original, amendment] = [await payloadOf(ledger, s.id), await payloadOf(ledger, amended.id)];
    expect(amendment.commitment).not.toEqual(original.commitment);
    expect(amendment.size).toBe(9);
  });

  it('given a kind of event, when asked whether it is amendable, then only the three CF kinds are, and anything else is refused as amend-same-kind naming the CF', () => {
    for (const type of ['SampleContributed', 'LabelContributed', 'ValidationContributed'])
      expect(checkAmendable('c1', type)).toEqual(E.right(type));
    expect(checkAmendable('d1', 'DatasetDefined')).toEqual(
      E.left(
        expect.objectContaining({
          _tag: 'RuleViolation',
          rule: 'amend-same-kind',
          field: 'cfId',
          reason: 'd1 is a DatasetDefined; only CFs (samples, labels, validations) are amended',
        }),
      ),
    );
  });

  it('given a dataset definition in the log, when the ledger is asked to amend it, then it is refused as amend-same-kind and nothing is appended', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const defined = right(await ledger.datasets.define('ds', alice));
    const before = await logSize(ledger);
    expect(left(await ledger.amend(defined.id, { license: 'MIT' }, alice))).toMatchObject({
      _tag: 'RuleViolation',
      rule: 'amend-same-kind',
    });
    expect(await logSize(ledger)).toBe(before);
  });
});
