import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '@cairn/projector';
import { versionFactsSuite } from './__tests__/version-facts-suite.js';

versionFactsSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
