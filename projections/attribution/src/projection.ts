// The attribution projection: keeps the facts attribution needs (CFs' kind, contributor, source
// and license it reads from the log itself, through a CfFactsReader), and scores a run when its
// train and query gradients are both in the log (again whenever a later GradientsRecorded replaces
// a split). Facts of the whole batch are written first; each scoring then reads only facts at or
// before its own event's position, so batch boundaries cannot change a score.
import type { Transaction } from 'kysely';
import type { Kernel } from '@cairn/kernel';
import type { ProjectedEvent, Projection } from '@cairn/projector';
import type { ArtifactStore } from './artifact-store.js';
import type { CfFactsReader } from './cf-facts.js';
import { ingestAttributionFacts } from './facts.js';
import { attributionKernel } from './kernel.js';
import { scoreRunAt } from './score-run.js';
import { ATTRIBUTION_TABLES, migrateAttributionTables, type AttributionDatabase } from './tables.js';

export const ATTRIBUTION_PROJECTION = 'attribution';

export interface AttributionProjectionOptions {
  /** Where GradientsRecorded artifacts are read from (by content hash). */
  readonly artifacts: ArtifactStore;
  /** The CFs' own events, read from the log the projection is applied from (cfFactsFromLog). */
  readonly cfFacts: CfFactsReader;
  /** Default: the process's shared kernel (attributionKernel()). */
  readonly kernel?: Kernel;
}

export function createAttributionProjection(options: AttributionProjectionOptions): Projection<AttributionDatabase> {
  const kernel = options.kernel === undefined ? attributionKernel : async () => options.kernel as Kernel;
  return {
    name: ATTRIBUTION_PROJECTION,
    // 2: gradients carry their kind and weights, scorings say which estimator and which rows KNN-Shapley left out
    // 3: attribution_cfs keeps its CF and author ids as bytes (bytea), not hex text
    // 4: attribution_cfs is gone (CF facts are read from the log by id); migrate drops it
    version: 4,
    tables: ATTRIBUTION_TABLES,
    // The types apply acts on; the runner skips the rest (see Projection.handles).
    // (A sample or a validation is read from the log when a run needs it, so apply has nothing to do for one.)
    handles: ['LabelContributed', 'ContributionDeprecated', 'AssetAssembled', 'TrainingRunRecorded', 'GradientsRecorded'],
    migrate: migrateAttributionTables,
    apply: async (tx: Transaction<AttributionDatabase>, events: readonly ProjectedEvent[]) => {
      const triggers = await ingestAttributionFacts(tx, events);
      for (const trigger of triggers) await scoreRunAt(tx, kernel, options.artifacts, options.cfFacts, trigger.runId, trigger.event);
    },
  };
}
