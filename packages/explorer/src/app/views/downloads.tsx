// A version's files to take away: its exports as the server streams them (JSON Lines,
// OpenLineage, Croissant), the EU AI Act report facts, and the in-toto statement of the version.
// The statement comes unsigned: an attestation is signed with a contributor's key, which the
// server never holds; the section says so, gives the facts it vouches for, and the command that signs it.
import { apiUrl, getJson, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import { Show } from '../ui.js';

interface UnsignedAttestation {
  readonly signed: false;
  readonly why: string;
  readonly sign: string;
  readonly statement: { readonly subject: readonly { readonly name: string; readonly digest: { readonly sha256: string } }[] };
}

const EXPORTS = [
  { format: 'jsonl', label: 'JSON Lines', ext: 'jsonl' },
  { format: 'openlineage', label: 'OpenLineage', ext: 'openlineage.jsonl' },
  { format: 'croissant', label: 'Croissant', ext: 'croissant.json' },
] as const;

export function Downloads({ dataset, refText, ordinal }: { dataset: string; refText: string; ordinal: number }) {
  const moment = useMoment();
  const { asOf } = moment;
  const attestation = useAsync(
    () => getJson<UnsignedAttestation>(`/v1/versions/${seg(refText)}/attestation`, { asOf }),
    [refText, freshness(moment)],
  );
  return (
    <section class="downloads" aria-labelledby="downloads-title">
      <h3 id="downloads-title">Downloads of {refText}</h3>
      <ul>
        {EXPORTS.map((e) => (
          <li>
            <a href={apiUrl(`/v1/versions/${seg(refText)}/export`, { format: e.format, asOf })} download={`${dataset}-${ordinal}.${e.ext}`}>
              {e.label} export
            </a>
          </li>
        ))}
        <li>
          <a href={apiUrl(`/v1/versions/${seg(refText)}/report`, { asOf })} download={`${dataset}-${ordinal}.report.json`}>
            report facts (EU AI Act Art. 53(1)(d))
          </a>
        </li>
        <li>
          <a href={apiUrl(`/v1/versions/${seg(refText)}/attestation`, { asOf })} download={`${dataset}-${ordinal}.statement.json`}>
            attestation statement (in-toto, unsigned)
          </a>
        </li>
      </ul>
      <Show loaded={attestation} what="the attestation">
        {(a) => (
          <p class="muted attestation-note">
            Not signed: {a.why}. It vouches for{' '}
            {a.statement.subject.map((s, i) => (
              <>
                {i > 0 && ' and '}
                <code title={s.name}>
                  {s.name.endsWith('#merkle-root') ? 'Merkle root' : 'version id'} {s.digest.sha256.slice(0, 12)}…
                </code>
              </>
            ))}
            ; to sign it with your own key, run <code>{a.sign}</code>.
          </p>
        )}
      </Show>
    </section>
  );
}
