// Search: by dataset name, a CF id prefix, a contributor's name or id prefix, a source or a
// training run; with no question, the datasets and runs there are. Each kind asks the API only.
import { useState } from 'preact/hooks';
import { getJson, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import { href } from '../route.js';
import type { ContributorMatch, RunSummary as RunSummaryAnswer } from '@cairn/client';
import type { CfShow, DatasetListEntry, Wire } from '../types.js';
import { CfLink, Id, Link, Show } from '../ui.js';

const KINDS = {
  dataset: 'dataset name',
  cf: 'CF id prefix',
  contributor: 'contributor name or id',
  source: 'source',
  run: 'training run',
} as const;
type Kind = keyof typeof KINDS;

type RunSummary = Wire<RunSummaryAnswer>;
type Contributor = Wire<ContributorMatch>;

/** Contributors whose datasets are listed beside them (one request each). */
const DATASETS_OF = 5;

interface Found {
  readonly datasets: readonly DatasetListEntry[];
  readonly cf?: CfShow;
  readonly runs: readonly RunSummary[];
  readonly contributors?: readonly Contributor[];
}

async function find(kind: Kind, q: string, asOf: string | undefined): Promise<Found> {
  if (q === '') {
    const [{ datasets }, runs] = await Promise.all([
      getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { asOf }),
      getJson<RunSummary[]>('/v1/runs', { asOf }).catch(() => []),
    ]);
    return { datasets, runs };
  }
  switch (kind) {
    case 'dataset':
      return { datasets: (await getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { name: q, asOf })).datasets, runs: [] };
    case 'cf': {
      const [cf, { datasets }] = await Promise.all([
        getJson<CfShow>(`/v1/cfs/${seg(q)}`, { asOf }).catch(() => undefined),
        getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { cf: q, asOf }),
      ]);
      return cf === undefined ? { datasets, runs: [] } : { datasets, cf, runs: [] };
    }
    case 'contributor': {
      const { contributors } = await getJson<{ contributors: Contributor[] }>('/v1/contributors', { q, asOf });
      const lists = await Promise.all(
        contributors
          .slice(0, DATASETS_OF)
          .map(
            async (c) => (await getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { contributor: c.contributorId, asOf })).datasets,
          ),
      );
      const byName = new Map(lists.flat().map((d) => [d.name, d]));
      return { datasets: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), runs: [], contributors };
    }
    case 'source':
      return { datasets: (await getJson<{ datasets: DatasetListEntry[] }>('/v1/datasets', { source: q, asOf })).datasets, runs: [] };
    case 'run':
      return { datasets: [], runs: [await getJson<RunSummary>(`/v1/runs/${seg(q)}`, { asOf })] };
  }
}

export function SearchView({ query }: { query: Readonly<Record<string, string>> }) {
  const moment = useMoment();
  const kind: Kind = (query.by as Kind) in KINDS ? (query.by as Kind) : 'dataset';
  const q = (query.q ?? '').trim();
  const [text, setText] = useState(q);
  const [by, setBy] = useState<Kind>(kind);
  const found = useAsync(() => find(kind, q, moment.asOf), [kind, q, freshness(moment)]);
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search the ledger</h1>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = href('search', '', { by, q: text.trim() }, moment.asOf);
        }}
      >
        <label>
          Find by{' '}
          <select name="by" value={by} onChange={(e) => setBy((e.currentTarget as HTMLSelectElement).value as Kind)}>
            {Object.entries(KINDS).map(([k, label]) => (
              <option value={k}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Search text</span>
          <input
            name="q"
            type="search"
            value={text}
            placeholder="e.g. corpus, 17a54c, biology-notes"
            onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      <Show loaded={found} what="the search">
        {(f) => (
          <div class="results">
            {f.cf !== undefined && (
              <>
                <h2>Contribution</h2>
                <p>
                  <CfLink id={f.cf.cfId} /> {f.cf.kind} by {f.cf.names[f.cf.signer] ?? <Id id={f.cf.signer} />} at position {f.cf.position}
                </p>
              </>
            )}
            {f.contributors !== undefined && (
              <>
                <h2>Contributors</h2>
                {f.contributors.length === 0 ? (
                  <p class="muted">No contributor matches.</p>
                ) : (
                  <ul class="contributors">
                    {f.contributors.map((c) => (
                      <li>
                        <Link view="graph" arg={c.contributorId} query={{ direction: 'down' }} label={`${c.name}: lineage graph`}>
                          {c.name}
                        </Link>{' '}
                        <Id id={c.contributorId} /> <span class="muted">registered at position {c.position}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </>
            )}
            <h2>Datasets</h2>
            {f.datasets.length === 0 ? (
              <p class="muted">No dataset matches.</p>
            ) : (
              <ul class="datasets">
                {f.datasets.map((d) => (
                  <li>
                    <Link view="dataset" arg={d.name}>
                      {d.name}
                    </Link>{' '}
                    <span class="muted">
                      {d.versions} version{d.versions === 1 ? '' : 's'}, defined at position {d.position}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {f.runs.length > 0 && (
              <>
                <h2>Training runs</h2>
                <ul>
                  {f.runs.map((r) => (
                    <li>
                      <Link view="run" arg={r.runId}>
                        {r.runId}
                      </Link>{' '}
                      <span class="muted">
                        on {r.dataset}@{r.ordinal ?? '?'}, code {r.codeVersion}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </Show>
    </section>
  );
}
