import type pg from 'pg';
import type { SqlExecutor } from '../sql/executor.js';

/** The SqlExecutor over a pg Pool: one pooled client per transaction. */
export function pgExecutor(pool: pg.Pool): SqlExecutor {
  return {
    query: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn({ query: async (text, params) => (await client.query(text, params as unknown[])).rows });
        await client.query('commit');
        return result;
      } catch (e) {
        await client.query('rollback').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw e;
      } finally {
        // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
  };
}
