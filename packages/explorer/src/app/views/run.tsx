// A training run: the dataset version it trained on, its code, seeds and model.
import { getJson, seg } from '../api.js';
import { useAsync } from '../hooks.js';
import { At, Id, Link, Show } from '../ui.js';

interface RunDetail {
  readonly runId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly ordinal: number | null;
  readonly modelHash: string;
  readonly codeVersion: string;
  readonly signer: string;
  readonly eventId: string;
  readonly position: string;
  readonly recordedAt: string;
  readonly seeds: Readonly<Record<string, number>>;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly attribution: { readonly scored: boolean; readonly reason?: string };
}

export function RunView({ id }: { id: string }) {
  const run = useAsync(() => getJson<RunDetail>(`/v1/runs/${seg(id)}`), [id]);
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Training run {id}</h1>
      <Show loaded={run} what="the run">
        {(r) => (
          <dl class="facts">
            <dt>dataset version</dt>
            <dd>
              <Link view="dataset" arg={r.dataset} query={{ vid: r.versionId }}>
                {r.dataset}@{r.ordinal ?? '?'}
              </Link>{' '}
              <Id id={r.versionId} />
            </dd>
            <dt>code</dt>
            <dd>{r.codeVersion}</dd>
            <dt>model</dt>
            <dd>
              <code>{r.modelHash}</code>
            </dd>
            <dt>seeds</dt>
            <dd>
              <code>{JSON.stringify(r.seeds)}</code>
            </dd>
            <dt>hyperparameters</dt>
            <dd>
              <code>{JSON.stringify(r.hyperparameters)}</code>
            </dd>
            <dt>recorded</dt>
            <dd>
              at position <At position={r.position} />, {r.recordedAt}, by <Id id={r.signer} />
            </dd>
            <dt>attribution</dt>
            <dd>{r.attribution.scored ? 'scored' : `not scored (${r.attribution.reason ?? 'no gradients'})`}</dd>
            <dt>lineage</dt>
            <dd>
              <Link view="graph" arg={r.runId}>
                graph of this run
              </Link>
            </dd>
          </dl>
        )}
      </Show>
    </section>
  );
}
