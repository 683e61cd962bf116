import { afterAll } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore } from '@cairn/projector';
import { attributionSuite } from './__tests__/attribution-suite.js';

// a store given an open PGlite leaves it open (the caller owns it), so the suite closes them
const instances: PGlite[] = [];
attributionSuite('PGlite', async () => {
  const pglite = await PGlite.create();
  instances.push(pglite);
  return openProjectionStore({ pglite });
});
afterAll(async () => {
  for (const pglite of instances) await pglite.close();
});
