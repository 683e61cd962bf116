import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '@cairn/projector';
import { bulkLoadSuite } from './__tests__/bulk-load-suite.js';

bulkLoadSuite('on PGlite', async () => {
  const store = await openProjectionStore({ pglite: await PGlite.create() });
  return { store, schema: 'public', otherSchema: 'other', close: () => store.close() };
});
