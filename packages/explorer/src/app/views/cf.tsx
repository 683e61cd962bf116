// One contribution: what it is, who signed it and when, what was said of it later, its amend /
// supersede / deprecate history, why it is in or out of each version (the rule and the numbers),
// what changing it would touch, and an inclusion proof the page checks itself.
import { useState } from 'preact/hooks';
import { ApiError, getJson, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import { verifyProof, type ProofVerdict } from '../proof.js';
import type { CfShow, DatasetListEntry, DatasetVersions, History, Impact, VersionEntry, Why } from '../types.js';
import { At, CfLink, Id, Link, Show } from '../ui.js';
import { PreviewSection } from './preview.js';

/** Versions per dataset asked about, newest first: enough to see the recent story of a CF. */
const WHY_VERSIONS = 8;

export function CfView({ id }: { id: string }) {
  const moment = useMoment();
  const shown = useAsync(() => getJson<CfShow>(`/v1/cfs/${seg(id)}`, { asOf: moment.asOf }), [id, freshness(moment)]);
  return (
    <section aria-labelledby="cf-title">
      <h1 id="cf-title">
        Contribution <Id id={id} n={16} />
      </h1>
      <Show loaded={shown} what="the contribution">
        {(cf) => (
          <>
            <Metadata cf={cf} />
            {cf.kind === 'sample' && <PreviewSection cf={cf} />}
            <HistorySection cfId={cf.cfId} />
            <WhySection cf={cf} />
            <ImpactSection cfId={cf.cfId} />
            <p>
              <Link view="graph" arg={cf.cfId}>
                Lineage graph of this contribution
              </Link>
            </p>
          </>
        )}
      </Show>
    </section>
  );
}

const named = (cf: CfShow, id: string) => cf.names[id] ?? null;

function Metadata({ cf }: { cf: CfShow }) {
  return (
    <>
      <dl class="facts" data-cf={cf.cfId}>
        <dt>id</dt>
        <dd>
          <code>{cf.cfId}</code>
        </dd>
        <dt>kind</dt>
        <dd>
          {cf.kind} ({cf.type})
        </dd>
        <dt>signed by</dt>
        <dd>
          {named(cf, cf.signer) ?? ''} <Id id={cf.signer} />
        </dd>
        <dt>appended</dt>
        <dd>
          at position <At position={cf.position} />
          {cf.recordedAt === null ? '' : `, ${cf.recordedAt}`}
        </dd>
        {Object.entries(cf.payload).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{typeof v === 'string' ? v : <code>{JSON.stringify(v)}</code>}</dd>
          </>
        ))}
      </dl>
      {cf.targetedBy.length + cf.replacedBy.length + cf.later.length > 0 && (
        <>
          <h2>Said of it later</h2>
          <ul aria-label="said of it later">
            {cf.replacedBy.map((e) => (
              <li>
                {e.how === 'amends' ? 'amended' : 'superseded'} by <CfLink id={e.eventId} />, signed by{' '}
                {named(cf, e.signer) ?? <Id id={e.signer} />} at position <At position={e.position} />
              </li>
            ))}
            {[...cf.targetedBy, ...cf.later].map((e) => (
              <li>
                {e.type.replace(/Contributed$/, '').toLowerCase()} <CfLink id={e.eventId} /> by{' '}
                {named(cf, e.signer) ?? <Id id={e.signer} />} at position <At position={e.position} />
                {typeof e.payload.verdict === 'string' ? `: ${e.payload.verdict}` : ''}
                {typeof e.payload.rationale === 'string' ? ` (${e.payload.rationale})` : ''}
                {typeof e.payload.value === 'string' ? `: ${e.payload.value}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function HistorySection({ cfId }: { cfId: string }) {
  const moment = useMoment();
  const history = useAsync(() => getJson<History>(`/v1/cfs/${seg(cfId)}/history`, { asOf: moment.asOf }), [cfId, freshness(moment)]);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <Show loaded={history} what="the history">
        {(h) => (
          <ol class="history">
            {h.steps.map((s) => (
              <li>
                at <At position={s.position} />: <CfLink id={s.cfId} /> {s.action}
                {s.target !== undefined && (
                  <>
                    {' '}
                    <CfLink id={s.target} />
                  </>
                )}
                {s.reason !== undefined ? ` (${s.reason})` : ''}
                {h.standing.includes(s.cfId) && s.action === 'contributed' ? ' — standing' : ''}
              </li>
            ))}
          </ol>
        )}
      </Show>
    </section>
  );
}

interface VersionWhy {
  readonly version: VersionEntry;
  readonly why: Why;
}

async function whyEverywhere(cfId: string, appendedAt: string, asOf: string | undefined): Promise<VersionWhy[]> {
  const { datasets } = await getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { asOf });
  const per = await Promise.all(
    datasets.map(async (d) => {
      const versions = await getJson<DatasetVersions>(`/v1/datasets/${seg(d.name)}/versions`, { asOf }).catch((e: unknown) => {
        // A dataset defined after the moment shown has no versions then.
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      });
      if (versions === null) return [];
      // A version cut before the CF was appended could not hold it: nothing to ask.
      const recent = versions.versions
        .filter((v) => BigInt(v.position) >= BigInt(appendedAt))
        .slice(-WHY_VERSIONS)
        .reverse();
      return Promise.all(
        recent.map(async (version) => ({
          version,
          why: await getJson<Why>(`/v1/cfs/${seg(cfId)}/why`, { in: `${d.name}@${version.ordinal}`, asOf }),
        })),
      );
    }),
  );
  return per.flat();
}

function WhySection({ cf }: { cf: CfShow }) {
  const moment = useMoment();
  const whys = useAsync(() => whyEverywhere(cf.cfId, cf.position, moment.asOf), [cf.cfId, freshness(moment)]);
  return (
    <section aria-labelledby="why-title">
      <h2 id="why-title">Why in, why out</h2>
      <Show loaded={whys} what="why">
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">No dataset version was cut after this contribution was appended.</p>
          ) : (
            <table class="why">
              <caption class="visually-hidden">why this contribution is in or out of each version</caption>
              <thead>
                <tr>
                  <th scope="col">version</th>
                  <th scope="col">verdict</th>
                  <th scope="col">rule</th>
                  <th scope="col">the numbers</th>
                  <th scope="col">inclusion proof</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ version, why }) => (
                  <tr data-version={`${version.dataset}@${version.ordinal}`}>
                    <td>
                      <Link view="dataset" arg={version.dataset} query={{ v: String(version.ordinal) }}>
                        {version.dataset}@{version.ordinal}
                      </Link>
                    </td>
                    <td class={why.included ? 'in' : 'out'}>{why.included ? 'included' : 'excluded'}</td>
                    <td>{why.rule ?? (why.included ? 'every rule held' : '—')}</td>
                    <td class="reason">{why.reason}</td>
                    <td>{why.included ? <ProofCheck cfId={cf.cfId} version={version} /> : <span class="muted">not a member</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

type ProofState =
  | { readonly state: 'idle' }
  | { readonly state: 'checking' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'done'; readonly verdict: ProofVerdict };

/** Fetches the proof from the server and checks it here against the version's published root. */
function ProofCheck({ cfId, version }: { cfId: string; version: VersionEntry }) {
  const { asOf } = useMoment();
  const [s, setS] = useState<ProofState>({ state: 'idle' });
  const ref = `${version.dataset}@${version.ordinal}`;
  const check = async () => {
    setS({ state: 'checking' });
    try {
      const file = await getJson<unknown>(`/v1/cfs/${seg(cfId)}/proof`, { in: ref, asOf });
      setS({ state: 'done', verdict: verifyProof(file, cfId, version) });
    } catch (e) {
      setS({ state: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };
  if (s.state === 'idle' || s.state === 'checking')
    return (
      <button type="button" onClick={check} disabled={s.state === 'checking'} aria-label={`Verify proof in ${ref}`}>
        {s.state === 'checking' ? 'Checking…' : 'Verify proof'}
      </button>
    );
  if (s.state === 'failed')
    return (
      <span class="error" role="alert">
        {s.message}
      </span>
    );
  return (
    <details class={s.verdict.ok ? 'verified' : 'refused'} open={!s.verdict.ok}>
      <summary>
        <span role="status">
          {s.verdict.ok
            ? `✓ verified in this browser against root ${s.verdict.computedRoot?.slice(0, 12)}…`
            : '✗ the proof does not verify'}
        </span>
      </summary>
      <ul>
        {s.verdict.checks.map((c) => (
          <li class={c.ok ? 'in' : 'out'}>
            {c.ok ? '✓' : '✗'} {c.check}
          </li>
        ))}
      </ul>
    </details>
  );
}

function ImpactSection({ cfId }: { cfId: string }) {
  const moment = useMoment();
  const impact = useAsync(() => getJson<Impact>(`/v1/cfs/${seg(cfId)}/impact`, { asOf: moment.asOf }), [cfId, freshness(moment)]);
  return (
    <section aria-labelledby="impact-title">
      <h2 id="impact-title">If it were amended or erased</h2>
      <Show loaded={impact} what="the impact">
        {(i) => (
          <ul>
            <li>
              {i.dependents.length} dependent contribution{i.dependents.length === 1 ? '' : 's'}
              {i.dependents.length > 0 && ': '}
              {i.dependents.map((d) => (
                <>
                  <CfLink id={d.eventId} /> ({d.relation}){' '}
                </>
              ))}
            </li>
            <li>
              {i.assets.length} asset{i.assets.length === 1 ? '' : 's'}
            </li>
            <li>
              {i.versions.length} dataset version{i.versions.length === 1 ? '' : 's'}
              {i.versions.length > 0 && ': '}
              {i.versions.map((v) => (
                <>
                  <Link view="graph" arg={v.versionId}>
                    {v.dataset} <Id id={v.versionId} n={8} />
                  </Link>
                  {v.current ? ' (current)' : ''} at <At position={v.position} />{' '}
                </>
              ))}
            </li>
            <li>
              {i.runs.length} training run{i.runs.length === 1 ? '' : 's'}, {i.models.length} model{i.models.length === 1 ? '' : 's'}
            </li>
          </ul>
        )}
      </Show>
    </section>
  );
}
