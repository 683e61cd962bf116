export {
  DEFAULT_PG_URL,
  postgresTestUrl,
  probePostgres,
  postgresRequired,
  createTestSchema,
  type PostgresAvailability,
} from './postgres.js';
export { postgresForTests, describePostgres } from './describe-postgres.js';
export { serveStore, chromiumPath, haveChromium, CHROMIUM_ARGS, type ServedStore } from './served-store.js';
export { buildStoreTemplate, storeFromTemplate, TEMPLATES_ENV } from './store-template.js';
export { StatementLog } from './statements.js';
