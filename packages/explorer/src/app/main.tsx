// The Lineage Explorer: one page, its views chosen by the address (route.ts), each reading the
// server's HTTP API only. The moment shown (asOf) and the live head are given to every view.
import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { MomentContext, type Moment } from './context.js';
import { followLive, type VersionCut } from './live.js';
import { href, parseRoute, type Route } from './route.js';
import { TimeBar } from './timebar.js';
import type { Status } from './types.js';
import { CfView } from './views/cf.js';
import { DatasetView } from './views/dataset.js';
import { DiffView } from './views/diff.js';
import { RunView } from './views/run.js';
import { SearchView } from './views/search.js';
import './style.css';

// Cytoscape and ELK are the bulk of the page: loaded when a graph is first opened.
const GraphView = lazy(() => import('./views/graph.js').then((m) => ({ default: m.GraphView })));

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'dataset':
      return <DatasetView name={route.arg} query={route.query} />;
    case 'diff':
      return <DiffView query={route.query} />;
    case 'cf':
      return <CfView id={route.arg} />;
    case 'graph':
      return (
        <Suspense fallback={<p role="status">Loading the graph…</p>}>
          <GraphView target={route.arg} query={route.query} />
        </Suspense>
      );
    case 'run':
      return <RunView id={route.arg} />;
    default:
      return <SearchView query={route.query} />;
  }
}

function App() {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  const [head, setHead] = useState<bigint | null>(null);
  const [tick, setTick] = useState(0);
  const [cuts, setCuts] = useState<readonly VersionCut[]>([]);
  const seen = useRef<bigint | null>(null);
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    void getJson<Status>('/v1/status').then(
      (s) => s.head !== null && setHead((h) => (h === null || BigInt(s.head!) > h ? BigInt(s.head!) : h)),
      () => undefined,
    );
    return followLive(
      (h) => {
        // The stream opens with the head the page may already have read at: only a newer one is news.
        if (seen.current !== null && h <= seen.current) return;
        const first = seen.current === null;
        seen.current = h;
        setHead((was) => (was === null || h > was ? h : was));
        if (!first) setTick((t) => t + 1);
      },
      (cut) => setCuts((was) => [cut, ...was].slice(0, 5)),
    );
  }, []);
  // Move focus to the new view's heading, so a keyboard or screen-reader user lands on it.
  useEffect(() => {
    const h1 = document.querySelector<HTMLElement>('main h1');
    h1?.setAttribute('tabindex', '-1');
  }, [route]);
  const moment: Moment = { asOf: route.asOf, head, tick };
  return (
    <MomentContext.Provider value={moment}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('search', '', {}, route.asOf)}>
          Cairn · Lineage Explorer
        </a>
        <TimeBar />
      </header>
      {cuts.length > 0 && (
        <aside class="live" aria-label="new versions">
          <ul>
            {cuts.map((c) => (
              <li>
                New version{' '}
                <a href={href('dataset', c.dataset, { v: String(c.ordinal ?? '') })}>
                  {c.dataset}@{c.ordinal ?? '?'}
                </a>{' '}
                cut at position {c.position} ({c.cause})
              </li>
            ))}
          </ul>
        </aside>
      )}
      <main id="main" tabIndex={-1}>
        <View route={route} />
      </main>
    </MomentContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
