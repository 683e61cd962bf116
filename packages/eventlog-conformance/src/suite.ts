// One suite, every adapter (as kysely runs one suite over every dialect): each adapter's spec
// file calls eventLogConformanceSuite with a factory for a fresh log and its differences as options.
import { describe } from '@jest/globals';
import type { ConformanceFactory, ConformanceOptions } from './subject.js';
import { basics } from './sections/basics.js';
import { idempotency } from './sections/idempotency.js';
import { concurrency } from './sections/concurrency.js';
import { subscriptions } from './sections/subscription.js';
import { durability } from './sections/durability.js';
import { interleaved } from './sections/interleaved.js';
import { modelBased } from './sections/model.js';
import { readers } from './sections/readers.js';
import { refusals } from './sections/refusals.js';

export function eventLogConformanceSuite(name: string, factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  describe(`EventLog conformance: ${name}`, () => {
    basics(factory);
    idempotency(factory, options);
    concurrency(factory, options);
    subscriptions(factory, options);
    readers(factory, options);
    refusals(factory, options);
    // The model reuses ids across streams, which needs the global id index.
    if (options.globalIdIndex ?? true) modelBased(factory, options);
    if (options.reopenable) durability(factory);
    if (options.rawSql) interleaved(factory, options.rawSql);
  });
}
