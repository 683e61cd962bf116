import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '../storage/store.js';
import { attributionSuite } from './__tests__/attribution-suite.js';

attributionSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
