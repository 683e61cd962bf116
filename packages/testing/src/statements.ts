// Each statement an answer sends is a round trip to the store, so specs hold answers to a number
// of statements. This is the one way they count them: a log of the statements sent, as compiled
// (SQL text and parameters), either through a Kysely the spec hands to the code under test, or
// through the executor of a Kysely the code holds itself (a Cairn's store).
import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryExecutor,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export class StatementLog {
  readonly #sent: CompiledQuery[] = [];

  /** The statements sent since the log was made or last cleared, in the order they were sent. */
  get sent(): readonly CompiledQuery[] {
    return this.#sent;
  }

  /** How many statements were sent, or how many of them match: a text their SQL contains, or a pattern it matches. */
  count(matching?: string | RegExp): number {
    if (matching === undefined) return this.#sent.length;
    const test = typeof matching === 'string' ? (sql: string) => sql.includes(matching) : (sql: string) => matching.test(sql);
    return this.#sent.filter((q) => test(q.sql)).length;
  }

  clear(): void {
    this.#sent.length = 0;
  }

  /**
   * db with the log plugged in: every statement sent through it, or through anything made from it
   * (a transaction, another plugin), is logged. For code that is handed its Kysely.
   */
  through<TDatabase>(db: Kysely<TDatabase>): Kysely<TDatabase> {
    const executor = db.getExecutor();
    const sent = this.#sent;
    const recorder: KyselyPlugin = {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        sent.push(executor.compileQuery(args.node, args.queryId));
        return args.node;
      },
      transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        return Promise.resolve(args.result);
      },
    };
    return db.withPlugin(recorder);
  }

  /**
   * Logs what db's own executor sends, for code that holds its Kysely itself. A transaction or a
   * plugin made from db has an executor of its own, which this does not see. Returns the function
   * that stops logging.
   */
  tap(db: { getExecutor(): QueryExecutor }): () => void {
    const executor = db.getExecutor();
    const send = executor.executeQuery.bind(executor);
    const sent = this.#sent;
    executor.executeQuery = ((query: CompiledQuery) => {
      sent.push(query);
      return send(query);
    }) as QueryExecutor['executeQuery'];
    return () => {
      executor.executeQuery = send;
    };
  }
}
