/**
 * The validator state's schema, as an ordered list of migrations. Each runs
 * once, in its own transaction, and records its version; a database newer
 * than this code is refused.
 *
 * @module
 */

/** One schema change. */
export interface Migration {
  /** The schema version after this migration (1, 2, …). */
  readonly version: number;
  readonly description: string;
  /** SQL statements, run in one transaction. */
  readonly sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "model tracker, eval history, moving averages, queues, last runs, receipts, step reports",
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- The model each hotkey committed (taoverse ModelTracker: ModelMetadata(id, block)).
      CREATE TABLE models (
        hotkey TEXT PRIMARY KEY,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        revision TEXT,
        secure_hash TEXT,
        competition_id INTEGER NOT NULL,
        commit_block INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL
      );
      -- At most 3 results per hotkey and competition (EvalResult); NULL score = infinity.
      CREATE TABLE eval_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        hotkey TEXT NOT NULL,
        competition_id INTEGER NOT NULL,
        block INTEGER NOT NULL,
        score REAL,
        winning_block INTEGER,
        winning_score REAL
      );
      CREATE INDEX eval_history_by_hotkey ON eval_history (hotkey, competition_id, block);
      -- The moving average of each competition's weights: float32 little-endian, one per uid.
      CREATE TABLE ema (competition_id INTEGER PRIMARY KEY, weights BLOB NOT NULL);
      -- uids_to_eval ('current') and pending_uids_to_eval ('pending') per competition.
      CREATE TABLE queues (
        competition_id INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('current', 'pending')),
        PRIMARY KEY (competition_id, uid, kind)
      );
      -- The sync block each competition last ran at (a restart does not run it twice).
      CREATE TABLE last_run (competition_id INTEGER PRIMARY KEY, sync_block INTEGER NOT NULL);
      CREATE TABLE weights_receipts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        success INTEGER NOT NULL,
        block INTEGER,
        receipt TEXT NOT NULL
      );
      CREATE TABLE step_reports (
        step INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        competition_id INTEGER NOT NULL,
        sync_block INTEGER NOT NULL,
        report TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "recent errors, for operators (status page, metrics)",
    sql: `
      CREATE TABLE errors (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        source TEXT NOT NULL,
        message TEXT NOT NULL
      );
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)!.version;
