// What every view is given: the moment it shows (asOf, from the address) and a counter that
// moves when the live stream says the ledger grew, so a view of the latest reads again.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Moment {
  readonly asOf: string | undefined;
  /** The log head the live stream last told (null: not known yet). */
  readonly head: bigint | null;
  /** Moves on each live update; views of the latest (no asOf) depend on it. */
  readonly tick: number;
}

export const MomentContext = createContext<Moment>({ asOf: undefined, head: null, tick: 0 });

export const useMoment = (): Moment => useContext(MomentContext);

/** What a read depends on: asOf when pinned (the past never changes), the live tick otherwise. */
export const freshness = (m: Moment): string => (m.asOf !== undefined ? `at:${m.asOf}` : `live:${m.tick}`);
