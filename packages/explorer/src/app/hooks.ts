// Reading an answer in a view: re-read when its inputs change (the route, asOf, a live update).
import { useEffect, useState } from 'preact/hooks';

export type Loaded<T> =
  { readonly state: 'loading' } | { readonly state: 'error'; readonly message: string } | { readonly state: 'ready'; readonly value: T };

export function useAsync<T>(read: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    read().then(
      (value) => live && setLoaded({ state: 'ready', value }),
      (e: unknown) => live && setLoaded({ state: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
    // The caller names what the read depends on.
  }, deps);
  return loaded;
}
