// How the embedded log's Postgres is started: PGlite's own parameters, plus wal_recycle=off.
// A checkpoint (at close, or when the WAL reaches max_wal_size) retires the WAL segments before
// its redo point; Postgres's default keeps them as renamed spares for later writes, which left a
// closed store carrying as much WAL again as the last session wrote. Off, they are removed, so a
// closed log keeps about one segment. Checkpoints come exactly when they did, and every commit is
// still acknowledged only after its WAL is flushed (wal-flush.ts): durability is unchanged.
import { PGlite } from '@electric-sql/pglite';

export const EMBEDDED_LOG_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'wal_recycle=off'];

/**
 * How a new embedded data folder is made (initdb's arguments; a folder that exists keeps what it
 * was made with). WAL segments of 1MB rather than Postgres's 16MB: a closed folder keeps its
 * current segment and perhaps the one before, and at 16MB each those were most of a small store.
 * Segments are only the WAL's file size: what is written, and when it is flushed or checkpointed,
 * is the same.
 */
export const EMBEDDED_INITDB_PARAMS: readonly string[] = ['--wal-segsize=1'];
