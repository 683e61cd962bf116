// A dataset: its versions on a timeline with the cause of each cut, and one version opened:
// members page by page (the server's cursors), licenses and obligations, the provenance card,
// exports, and a diff of any two versions.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson, getText, seg } from '../api.js';
import { freshness, useMoment } from '../context.js';
import { useAsync, useSeen } from '../hooks.js';
import { renderMarkdown } from '../markdown.js';
import { href } from '../route.js';
import type { DatasetVersions, Licenses, VersionEntry, VersionShow } from '../types.js';
import { At, CfLink, CountTable, Id, Link, Show } from '../ui.js';
import { Downloads } from './downloads.js';

const PAGE = 50;
/** Contributors and sources shown per version, the most members first. */
const TOP = 20;

const CAUSE_TEXT: Readonly<Record<string, string>> = {
  requested: 'build',
  amended: 'amendment',
  superseded: 'supersession',
  deprecated: 'deprecation',
  erased: 'erasure',
  replaced: 'replacement',
};
export const causeText = (cause: string): string => CAUSE_TEXT[cause] ?? cause;

/** The first page of members of `NAME@latest`, asked for before the versions say which version is shown. */
type EarlyPage = Promise<VersionShow | null>;

export function DatasetView({ name, query }: { name: string; query: Readonly<Record<string, string>> }) {
  const moment = useMoment();
  const fresh = freshness(moment);
  // Both reads start as the page first renders, side by side: the first page of the latest
  // version's members need not wait for the versions, and is used only when the version the
  // versions answer shows is the one it holds.
  const versionsRead = useMemo(() => getJson<DatasetVersions>(`/v1/datasets/${seg(name)}/versions`, { asOf: moment.asOf }), [name, fresh]);
  const early = useMemo(
    (): EarlyPage | undefined =>
      query.v === undefined && query.vid === undefined
        ? getJson<VersionShow>(`/v1/versions/${seg(`${name}@latest`)}`, { limit: PAGE, asOf: moment.asOf }).catch(() => null)
        : undefined,
    [name, fresh, query.v, query.vid],
  );
  const versions = useAsync(() => versionsRead, [versionsRead]);
  return (
    <section aria-labelledby="dataset-title">
      <h1 id="dataset-title">
        Dataset <span class="name">{name}</span>
      </h1>
      <Show loaded={versions} what="the versions">
        {(v) =>
          v.versions.length === 0 ? (
            <p class="muted">No version had been cut {moment.asOf === undefined ? 'yet' : 'at this moment'}.</p>
          ) : (
            <Versions name={name} all={v} chosen={query.v} chosenId={query.vid} early={early} />
          )
        }
      </Show>
    </section>
  );
}

function Versions({
  name,
  all,
  chosen,
  chosenId,
  early,
}: {
  name: string;
  all: DatasetVersions;
  chosen: string | undefined;
  chosenId: string | undefined;
  early: EarlyPage | undefined;
}) {
  const { asOf } = useMoment();
  const current =
    all.versions.find((v) => String(v.ordinal) === chosen) ??
    all.versions.find((v) => v.versionId === chosenId) ??
    all.versions.find((v) => v.versionId === all.current) ??
    all.versions[all.versions.length - 1]!;
  return (
    <>
      <h2>Versions</h2>
      <ol class="timeline" aria-label="versions in the order they were cut">
        {all.versions.map((v) => (
          <li class={v.versionId === current.versionId ? 'chosen' : ''}>
            <a
              href={href('dataset', name, { v: String(v.ordinal) }, asOf)}
              aria-current={v.versionId === current.versionId ? 'true' : undefined}
            >
              {name}@{v.ordinal}
            </a>{' '}
            <span class={`cause cause-${v.builds[0]?.cause ?? 'unknown'}`}>{causeText(v.builds[0]?.cause ?? '?')}</span> at position{' '}
            <At position={v.position} />, {v.memberCount} member
            {v.memberCount === 1 ? '' : 's'} <Id id={v.versionId} />
            {v.builds.map((b) =>
              b.causeEventId === null ? null : (
                <span class="muted">
                  {' '}
                  cause: <Id id={b.causeEventId} />
                </span>
              ),
            )}
          </li>
        ))}
      </ol>
      <DiffForm name={name} versions={all.versions} to={current} />
      <Version name={name} version={current} early={early} />
    </>
  );
}

function DiffForm({ name, versions, to }: { name: string; versions: readonly VersionEntry[]; to: VersionEntry }) {
  const { asOf } = useMoment();
  const before = versions.filter((v) => v.ordinal < to.ordinal);
  const [from, setFrom] = useState(String((before[before.length - 1] ?? versions[0]!).ordinal));
  const [into, setInto] = useState(String(to.ordinal));
  if (versions.length < 2) return null;
  return (
    <form
      class="diff-form"
      onSubmit={(e) => {
        e.preventDefault();
        window.location.hash = href('diff', '', { from: `${name}@${from}`, to: `${name}@${into}` }, asOf);
      }}
    >
      <label>
        Compare{' '}
        <select name="from" value={from} onChange={(e) => setFrom((e.currentTarget as HTMLSelectElement).value)}>
          {versions.map((v) => (
            <option value={String(v.ordinal)}>
              {name}@{v.ordinal}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        with{' '}
        <select name="to" value={into} onChange={(e) => setInto((e.currentTarget as HTMLSelectElement).value)}>
          {versions.map((v) => (
            <option value={String(v.ordinal)}>
              {name}@{v.ordinal}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit">Diff</button>
    </form>
  );
}

function Version({ name, version, early }: { name: string; version: VersionEntry; early: EarlyPage | undefined }) {
  const moment = useMoment();
  const ref = `${name}@${version.ordinal}`;
  // The licenses and the card read the whole version: asked once the first members are shown,
  // so they do not compete with the page's first render, which reads one page of members only,
  // and once the reader scrolls to them. The server answers one read at a time: on a large
  // version, reads nobody looked at would hold up the next page the reader opens for as long.
  const [membersShown, setMembersShown] = useState<string | null>(null);
  const licensesHeading = useRef<HTMLHeadingElement>(null);
  const membersNow = membersShown === `${ref}|${moment.asOf ?? ''}`;
  const shownNow = useSeen(licensesHeading, membersNow) && membersNow;
  const licenses = useAsync(
    () =>
      shownNow ? getJson<Licenses>(`/v1/versions/${seg(ref)}/licenses`, { asOf: moment.asOf }) : new Promise<Licenses>(() => undefined),
    [ref, moment.asOf, shownNow],
  );
  const card = useAsync(
    () =>
      shownNow ? getText(`/v1/versions/${seg(ref)}/card`, { asOf: moment.asOf }, 'text/markdown') : new Promise<string>(() => undefined),
    [ref, moment.asOf, shownNow],
  );
  return (
    <section aria-labelledby="version-title">
      <h2 id="version-title">{ref}</h2>
      <dl class="facts">
        <dt>version id</dt>
        <dd>
          <code>{version.versionId}</code>
        </dd>
        <dt>Merkle root</dt>
        <dd>
          <code>{version.merkleRoot}</code>
        </dd>
        <dt>manifest</dt>
        <dd>
          <code>{version.manifestId}</code>
        </dd>
        <dt>cut at</dt>
        <dd>
          position <At position={version.position} />
        </dd>
      </dl>
      <p>
        <Link view="graph" arg={version.versionId}>
          Lineage graph of {ref}
        </Link>
      </p>
      <Downloads dataset={name} refText={ref} ordinal={version.ordinal} />
      <Members refText={ref} versionId={version.versionId} early={early} onShown={() => setMembersShown(`${ref}|${moment.asOf ?? ''}`)} />
      <h3 ref={licensesHeading}>Licenses and obligations</h3>
      <Show loaded={licenses} what="the licenses">
        {(l) => (
          <>
            <CountTable
              caption={`license expressions of ${ref}`}
              rows={l.expressions}
              columns={[
                { head: 'expression', cell: (e) => e.expression },
                { head: 'members', cell: (e) => e.members, num: true },
                { head: 'resolved to', cell: (e) => e.resolvedTo.join(', ') },
              ]}
            />
            <ul>
              {Object.entries(l.obligations).map(([kind, rows]) => (
                <li>
                  {kind}:{' '}
                  {rows.length === 0
                    ? 'none'
                    : rows.map((r) => `${r.members} member${r.members === 1 ? '' : 's'} (${r.licenses.join(', ')})`).join('; ')}
                </li>
              ))}
              <li>conflicts: {l.conflicts.length === 0 ? 'none' : l.conflicts.length}</li>
              {l.unknown.length > 0 && <li>unknown licenses: {l.unknown.join(', ')}</li>}
            </ul>
          </>
        )}
      </Show>
      <h3>Provenance card</h3>
      <Show loaded={card} what="the provenance card">
        {(markdown) => <article class="card" aria-label="provenance card" dangerouslySetInnerHTML={{ __html: renderMarkdown(markdown) }} />}
      </Show>
    </section>
  );
}

function Members({
  refText,
  versionId,
  early,
  onShown,
}: {
  refText: string;
  versionId: string;
  early: EarlyPage | undefined;
  onShown: () => void;
}) {
  const moment = useMoment();
  // The cursors of the pages before this one; the first page is read at the moment shown, the
  // next ones by cursor, which pins the version and moment the first page answered at.
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const [key, setKey] = useState(`${refText}|${moment.asOf ?? ''}`);
  const now = `${refText}|${moment.asOf ?? ''}`;
  if (key !== now) {
    setKey(now);
    setCursors([]);
  }
  const cursor = cursors[cursors.length - 1];
  const read = () =>
    getJson<VersionShow>(
      `/v1/versions/${seg(refText)}`,
      cursor === undefined ? { limit: PAGE, asOf: moment.asOf } : { limit: PAGE, cursor },
    );
  const page = useAsync(
    () =>
      cursor === undefined && early !== undefined ? early.then((p) => (p !== null && p.versionId === versionId ? p : read())) : read(),
    [refText, moment.asOf, cursor, early],
  );
  useEffect(() => {
    if (page.state !== 'loading') onShown();
  }, [page.state]);
  return (
    <>
      <h3>Members</h3>
      <Show loaded={page} what="the members">
        {(p) => (
          <>
            <p class="muted">
              {p.total} member{p.total === 1 ? '' : 's'}; page {cursors.length + 1} of {Math.max(1, Math.ceil(p.total / PAGE))}
            </p>
            <table class="members">
              <caption class="visually-hidden">members of {refText}</caption>
              <thead>
                <tr>
                  <th scope="col">CF</th>
                  <th scope="col">kind</th>
                  <th scope="col">license</th>
                  <th scope="col">source</th>
                  <th scope="col">contributor</th>
                  <th scope="col">why included</th>
                </tr>
              </thead>
              <tbody>
                {p.members.map((m) => (
                  <tr>
                    <td>
                      <CfLink id={m.cfId} />
                    </td>
                    <td>{m.kind}</td>
                    <td>{m.license ?? '—'}</td>
                    <td>{m.source ?? '—'}</td>
                    <td>
                      <Id id={m.contributor} />
                    </td>
                    <td class="reason">{m.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager" aria-label="member pages">
              <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </button>
              <button
                type="button"
                disabled={p.nextCursor === null}
                onClick={() => p.nextCursor !== null && setCursors([...cursors, p.nextCursor])}
              >
                Next page
              </button>
            </nav>
            <h3>Who and where from</h3>
            <div class="side-by-side">
              <CountTable
                caption={`contributors of ${refText}`}
                rows={[...p.contributors].sort((a, b) => b.members - a.members).slice(0, TOP)}
                columns={[{ head: 'contributor', cell: (c) => <Id id={c.contributor} /> }]}
                bar={{ head: 'members', value: (c) => c.members, text: (c) => String(c.members) }}
              />
              <CountTable
                caption={`sources of ${refText}`}
                rows={[...p.sources].sort((a, b) => b.members - a.members).slice(0, TOP)}
                columns={[{ head: 'source', cell: (c) => c.source }]}
                bar={{ head: 'members', value: (c) => c.members, text: (c) => String(c.members) }}
              />
            </div>
          </>
        )}
      </Show>
    </>
  );
}
