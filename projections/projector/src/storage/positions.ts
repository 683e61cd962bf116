// Positions are int8 in every projection table. pg returns int8 as a decimal string (it cannot
// fit a JS number) and the PGlite store is configured to do the same, so both map to bigint
// here, at the edge, and nowhere else.
import type { LogPosition } from '@cairn/eventlog';

export function positionFromDb(value: string | number | bigint): LogPosition {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`position ${value} lost precision on its way from the database`);
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new Error(`position column held ${JSON.stringify(value)}, not an integer`);
  return BigInt(value);
}

export function nullablePositionFromDb(value: string | number | bigint | null | undefined): LogPosition | null {
  return value === null || value === undefined ? null : positionFromDb(value);
}

/** Positions are sent as decimal strings: both drivers then let Postgres cast to int8 exactly. */
export function positionToDb(position: LogPosition): string;
export function positionToDb(position: LogPosition | null): string | null;
export function positionToDb(position: LogPosition | null): string | null {
  return position === null ? null : position.toString();
}
