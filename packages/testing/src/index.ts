export {
  DEFAULT_PG_URL,
  postgresTestUrl,
  probePostgres,
  postgresRequired,
  createTestSchema,
  type PostgresAvailability,
} from './postgres.js';
export { postgresForTests, describePostgres } from './describe-postgres.js';
