// A training run: the dataset version it trained on, its code, seeds and model, and, once its
// gradients are scored, the attribution credit by contributor and by source as charts. The
// answers are the client's own types (RunDetail, CreditAnswer) as the server sends them.
import type { CreditAnswer, CreditShare, QueryTop as QueryTopAnswer, RunDetail } from '@cairn/client';
import { useState } from 'preact/hooks';
import { getJson, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync } from '../hooks.js';
import type { Wire } from '../types.js';
import { At, CfLink, CountTable, Id, Link, Show } from '../ui.js';

type Run = Wire<RunDetail>;
type Credit = Wire<CreditAnswer>;
type Share = Wire<CreditShare>;
type QueryTop = Wire<QueryTopAnswer>;

/** Rows of each credit chart, the largest shares first. */
const TOP = 15;

export function RunView({ id }: { id: string }) {
  const moment = useMoment();
  // The run comes with the moment it was read at, and its sections ask as of that moment: what
  // they show is always of the run shown.
  const run = useAsync(
    async () => ({ run: await getJson<Run>(`/v1/runs/${seg(id)}`, { asOf: moment.asOf }), asOf: moment.asOf, fresh: freshness(moment) }),
    [id, freshness(moment)],
  );
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Training run {id}</h1>
      <Show loaded={run} what="the run">
        {({ run: r, asOf, fresh }) => (
          <>
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
              <dt>gradients</dt>
              <dd>
                {r.gradients.length === 0
                  ? 'none recorded'
                  : r.gradients.map((g) => `${g.split}: ${g.rows} rows × ${g.dims}${g.kind === null ? '' : ` (${g.kind})`}`).join('; ')}
              </dd>
              <dt>attribution</dt>
              <dd>
                {r.attribution.scored
                  ? `scored at position ${r.attribution.scoredAt}: ${r.attribution.trainRows} train rows, ${r.attribution.queryRows} query rows`
                  : `not scored (${r.attribution.reason})`}
              </dd>
              <dt>lineage</dt>
              <dd>
                <Link view="graph" arg={r.runId}>
                  graph of this run
                </Link>
              </dd>
            </dl>
            {r.attribution.scored && <CreditSection run={r} asOf={asOf} />}
            {r.attribution.scored && <QueryTopSection key={fresh} run={r} queryRows={r.attribution.queryRows} asOf={asOf} fresh={fresh} />}
          </>
        )}
      </Show>
    </section>
  );
}

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);

function ShareChart({ caption, who, shares }: { caption: string; who: string; shares: readonly Share[] }) {
  const top = [...shares].sort((a, b) => (b.share ?? 0) - (a.share ?? 0) || a.rank - b.rank).slice(0, TOP);
  return (
    <CountTable
      caption={caption}
      rows={top}
      columns={[
        { head: who, cell: (s) => (s.key === null ? <span class="muted">none</span> : who === 'contributor' ? <Id id={s.key} /> : s.key) },
        { head: 'CFs', cell: (s) => s.cfCount, num: true },
      ]}
      bar={{ head: 'share of the positive influence', value: (s) => s.share ?? 0, text: (s) => percent(s.share) }}
    />
  );
}

function CreditSection({ run, asOf }: { run: Run; asOf: string | undefined }) {
  const credit = useAsync(
    () => getJson<Credit>(`/v1/runs/${seg(run.runId)}/credit`, { ref: `${run.dataset}@${run.versionId}`, asOf }),
    [run.runId, run.versionId, asOf],
  );
  return (
    <section aria-labelledby="credit-title">
      <h2 id="credit-title">Attribution credit</h2>
      <Show loaded={credit} what="the credit">
        {(c) => (
          <>
            <p class="muted">
              {c.shares.estimator}; scored at position <At position={c.shares.scoredAt} />
              {c.shares.shapleyReason === null ? '' : `; KNN-Shapley: ${c.shares.shapleyReason}`}
            </p>
            <div class="side-by-side">
              <div>
                <h3>By contributor</h3>
                <ShareChart caption={`credit of run ${run.runId} by contributor`} who="contributor" shares={c.shares.contributors} />
              </div>
              <div>
                <h3>By source</h3>
                <ShareChart caption={`credit of run ${run.runId} by source`} who="source" shares={c.shares.sources} />
              </div>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

/** The train CFs scoring stored for one of the run's recorded query rows: which training data most shaped that output. */
function QueryTopSection({ run, queryRows, asOf, fresh }: { run: Run; queryRows: number; asOf: string | undefined; fresh: string }) {
  const [row, setRow] = useState(0);
  const top = useAsync(() => getJson<QueryTop>(`/v1/runs/${seg(run.runId)}/queries/${row}/top`, { asOf }), [run.runId, row, fresh]);
  return (
    <section aria-labelledby="query-top-title">
      <h2 id="query-top-title">Top train CFs for a query</h2>
      <form class="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Query row (0 to {queryRows - 1}){' '}
          <input
            type="number"
            min={0}
            max={queryRows - 1}
            value={row}
            onChange={(e) => {
              const n = Number((e.currentTarget as HTMLInputElement).value);
              if (Number.isInteger(n) && n >= 0 && n < queryRows) setRow(n);
            }}
          />
        </label>
      </form>
      <Show loaded={top} what="the top train CFs">
        {(t) => (
          <table>
            <caption>
              train CFs that most shaped query row {t.queryRow}
              {t.queryCf === null ? '' : ' '}
              {t.queryCf !== null && (
                <>
                  (query <Id id={t.queryCf} />)
                </>
              )}
              , scored at position {t.scoredAt}
            </caption>
            <thead>
              <tr>
                <th scope="col">rank</th>
                <th scope="col">CF</th>
                <th scope="col">train row</th>
                <th scope="col" class="num">
                  score
                </th>
              </tr>
            </thead>
            <tbody>
              {t.top.map((x) => (
                <tr>
                  <td>{x.rank}</td>
                  <td>
                    <CfLink id={x.cfId} />
                  </td>
                  <td>{x.trainRow}</td>
                  <td class="num">{x.score.toPrecision(4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
    </section>
  );
}
