// Reading an answer in a view: re-read when its inputs change (the route, asOf, a live update).
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Loaded<T> =
  { readonly state: 'loading' } | { readonly state: 'error'; readonly message: string } | { readonly state: 'ready'; readonly value: T };

const LOADING = { state: 'loading' } as const;

const sameDeps = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/**
 * The answer of `read` for these deps. An answer is kept with the deps it was read for and given
 * only while they are still the deps: the render that follows a route change (before the new read
 * has even started) is "loading", never the previous route's answer under the new route's heading,
 * nor its sections asking the server about what is no longer shown.
 */
export function useAsync<T>(read: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<{ readonly deps: readonly unknown[]; readonly answer: Loaded<T> }>({ deps, answer: LOADING });
  useEffect(() => {
    let live = true;
    setLoaded({ deps, answer: LOADING });
    read().then(
      (value) => live && setLoaded({ deps, answer: { state: 'ready', value } }),
      (e: unknown) => live && setLoaded({ deps, answer: { state: 'error', message: e instanceof Error ? e.message : String(e) } }),
    );
    return () => {
      live = false;
    };
    // The caller names what the read depends on.
  }, deps);
  return sameDeps(loaded.deps, deps) ? loaded.answer : LOADING;
}

/**
 * Whether the element has come near the viewport since `watch` (it stays true): for reads worth
 * asking only once the reader looks at what they answer. Watched from the moment what comes
 * before it is laid out (`watch`), not while the page is still short. Without
 * IntersectionObserver the element counts as seen.
 */
export function useSeen(element: RefObject<Element | null>, watch: boolean): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !watch) return;
    const el = element.current;
    if (el === null || typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: '200px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen, watch]);
  return seen;
}
