import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '@cairn/projector';
import { datasetsSuite } from './__tests__/datasets-suite.js';
import { liveIndexSuite } from './__tests__/live-index-suite.js';

datasetsSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
liveIndexSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
