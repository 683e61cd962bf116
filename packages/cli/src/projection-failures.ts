// Events a projection recorded as failed instead of applying (an older writer's NUL, a build of a
// manifest the log never defined): the tables answer without them, so every command that shows
// the projections' state says so, in one line per event.
import { failureLine, type ProjectionFailure } from '@cairn/client';

/** The warning a catch-up prints on stderr when it recorded a failure. */
export function failureWarning(f: ProjectionFailure): string {
  return `cairn: warning: ${failureLine(f)} (recorded as failed; the projection goes on without it)\n`;
}
