// Many callers asking the same kind of question at once, answered by one read: questions that
// arrive while a read is in flight wait for it and then go together, as one batch, in the next.
// A small equivalent of the `dataloader` package rather than the package: its cache would serve
// answers across heads of the log (it would be turned off), and its batches are cut by tick (a
// batchScheduleFn would have to wait for the read in flight); without both, what is left is this.
import { setImmediate } from 'node:timers';

/** Answers a batch of questions: one answer per question, in the order asked. */
export type ReadMany<TQuestion, TAnswer> = (questions: readonly TQuestion[]) => Promise<readonly TAnswer[]>;

interface Waiting<TQuestion, TAnswer> {
  readonly question: TQuestion;
  readonly resolve: (answer: TAnswer) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One question at a time for the caller, batches of up to `maxBatch` for `readMany`. The first
 * question waits only for the callers of the same turn of the event loop; the rest wait for the
 * batches in flight. It waits even when nothing is in flight: callers that arrive in separate
 * callbacks of one turn (a server's request handlers) would otherwise each be read alone, since an
 * in-process store answers before the next callback runs; a microtask would not wait for them either. A batch that fails as a whole is asked again one question at a time, so a
 * question that breaks the read fails alone, not the others that happened to come with it.
 */
export function coalescing<TQuestion, TAnswer>(
  readMany: ReadMany<TQuestion, TAnswer>,
  options: { readonly maxBatch: number },
): (question: TQuestion) => Promise<TAnswer> {
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
    throw new RangeError(`coalescing: maxBatch must be a whole number ≥ 1, got ${options.maxBatch}`);
  let queue: Waiting<TQuestion, TAnswer>[] = [];
  let busy = false;

  const settle = async (batch: readonly Waiting<TQuestion, TAnswer>[]): Promise<void> => {
    let answers: readonly TAnswer[];
    try {
      answers = await readMany(batch.map((w) => w.question));
      if (answers.length !== batch.length) throw new Error(`coalescing: ${answers.length} answers to ${batch.length} questions`);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else await Promise.all(batch.map((w) => settle([w])));
      return;
    }
    batch.forEach((w, i) => w.resolve(answers[i]!));
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const round = queue;
      queue = [];
      const batches: Waiting<TQuestion, TAnswer>[][] = [];
      for (let i = 0; i < round.length; i += options.maxBatch) batches.push(round.slice(i, i + options.maxBatch));
      await Promise.all(batches.map(settle));
    }
    busy = false;
  };

  return (question) =>
    new Promise<TAnswer>((resolve, reject) => {
      queue.push({ question, resolve, reject });
      if (!busy) {
        busy = true;
        setImmediate(() => void drain());
      }
    });
}
