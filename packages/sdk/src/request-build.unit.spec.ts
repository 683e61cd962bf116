// ledger.datasets.requestBuild: each call is a new event (a fresh nonce), so a curator can ask
// for the same manifest again after new facts; a given nonce makes a retry the same event.
import { describe, expect, it } from '@jest/globals';
import { withManifestDefaults } from '@cairn/schemas';
import { ledgerOn, logSize, register, right } from './__tests__/given.js';

// complete and through JSON: defaults structuredClone'd in jest's vm realm are not plain JSON to canonicalize
const MANIFEST = JSON.parse(JSON.stringify(withManifestDefaults({ licensePolicy: { allowed: ['MIT'] } }))) as unknown;

async function givenDataset() {
  const ledger = ledgerOn();
  const curator = await register(ledger, 'curator');
  const { manifestId } = right(await ledger.manifests.define(MANIFEST, curator));
  right(await ledger.datasets.define('wdbc', curator));
  return { ledger, curator, manifestId };
}

describe('requesting a build', () => {
  it('given a dataset and a manifest, when the same signer requests a build twice, then both are new events carrying different nonces', async () => {
    const { ledger, curator, manifestId } = await givenDataset();
    const first = right(await ledger.datasets.requestBuild('wdbc', manifestId, curator));
    const again = right(await ledger.datasets.requestBuild('wdbc', manifestId, curator));
    expect(again.alreadyAppended).toBe(false);
    expect(again.id).not.toBe(first.id);
    expect(again.position > first.position).toBe(true);
    await ledger.close();
  });

  it('given a request made with a nonce, when it is retried with the same nonce, then it is the same event and nothing more is appended', async () => {
    const { ledger, curator, manifestId } = await givenDataset();
    const nonce = 'ab'.repeat(16);
    const first = right(await ledger.datasets.requestBuild('wdbc', manifestId, curator, { nonce }));
    const size = await logSize(ledger);
    const retry = right(await ledger.datasets.requestBuild('wdbc', manifestId, curator, { nonce }));
    expect(retry).toEqual({ ...first, alreadyAppended: true });
    expect(await logSize(ledger)).toBe(size);
    await ledger.close();
  });
});
