import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '@cairn/projector';
import { lineageSuite } from './__tests__/lineage-suite.js';

lineageSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
