// Time travel: a slider over log positions (and a box for an ISO time) that sets `asOf` in the
// address, so every view re-reads as of then, and the link shows the same past to anyone.
import { useEffect, useState } from 'preact/hooks';
import { useMoment } from './context.js';

const withAsOf = (asOf: string | undefined): string => {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', q = ''] = hash.split('?', 2);
  const params = new URLSearchParams(q);
  if (asOf === undefined) params.delete('asOf');
  else params.set('asOf', asOf);
  const query = params.toString();
  return `#${path}${query === '' ? '' : `?${query}`}`;
};

export function TimeBar() {
  const { asOf, head } = useMoment();
  const max = head === null ? 0 : Number(head);
  const pinned = asOf !== undefined && /^\d+$/.test(asOf) ? Number(asOf) : max;
  const [position, setPosition] = useState(pinned);
  const [time, setTime] = useState(asOf !== undefined && !/^\d+$/.test(asOf) ? asOf : '');
  useEffect(() => setPosition(pinned), [pinned]);
  const go = (to: string | undefined) => {
    window.location.hash = withAsOf(to);
  };
  return (
    <form
      class={`timebar ${asOf === undefined ? 'latest' : 'past'}`}
      aria-label="time travel"
      onSubmit={(e) => {
        e.preventDefault();
        go(time.trim() === '' ? undefined : time.trim());
      }}
    >
      <output class="moment" aria-live="polite">
        {asOf === undefined ? `Latest (log head ${head ?? '…'})` : /^\d+$/.test(asOf) ? `As of log position ${asOf}` : `As of ${asOf}`}
      </output>
      <label>
        <span class="visually-hidden">log position</span>
        <input
          type="range"
          name="position"
          min={1}
          max={Math.max(1, max)}
          value={position}
          disabled={max < 1}
          onInput={(e) => setPosition(Number((e.currentTarget as HTMLInputElement).value))}
          onChange={(e) => {
            const p = Number((e.currentTarget as HTMLInputElement).value);
            go(p >= max ? undefined : String(p));
          }}
        />
      </label>
      <span class="muted">{position}</span>
      <label>
        <span class="visually-hidden">an ISO 8601 time</span>
        <input
          type="text"
          name="time"
          placeholder="or a time, 2026-12-06T00:48Z"
          value={time}
          onInput={(e) => setTime((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Go</button>
      {asOf !== undefined && (
        <button type="button" onClick={() => go(undefined)}>
          Back to latest
        </button>
      )}
    </form>
  );
}
