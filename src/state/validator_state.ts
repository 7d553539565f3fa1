/**
 * The validator's state in one SQLite database (`node:sqlite`, WAL, full
 * sync): the model tracker and its eval history, the moving average per
 * competition, the queues, the sync block each competition last ran at,
 * weight receipts, step reports and recent errors. Every change is one
 * transaction, so a SIGKILL at any moment loses at most the change in flight
 * and never leaves the database inconsistent. One validator per state
 * directory (an OS lock); a state of another chain or subnet is refused.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { join } from "node:path";
import { ExitCode, SubvalidError } from "../errors/mod.ts";
import type { ModelId } from "../mechanism/mod.ts";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

/** The state file's name inside the state directory. */
export const STATE_FILE = "validator.db";
/** The lock file's name inside the state directory. */
export const LOCK_FILE = "validator.lock";

/** The state directory cannot be used: locked by another validator, another chain's, corrupt, too new. */
export class StateError extends SubvalidError {
  override readonly exitCode = ExitCode.Usage;
}

/** A model a hotkey committed, as the tracker holds it. */
export interface TrackedModel {
  readonly modelId: ModelId;
  /** The block of the commitment. */
  readonly block: number;
}

/** One evaluation of a hotkey's model in a competition (taoverse `EvalResult`). */
export interface EvalResult {
  /** The step's current block. */
  readonly block: number;
  /** The model's score (`Infinity` when it failed). */
  readonly score: number;
  /** The commit block of the step's top model. */
  readonly winningBlock: number;
  /** The step's top model's score. */
  readonly winningScore: number;
}

/** The queues: `current` (uids_to_eval) and `pending` (pending_uids_to_eval), per competition. */
export interface Queues {
  readonly current: ReadonlyMap<number, ReadonlySet<number>>;
  readonly pending: ReadonlyMap<number, ReadonlySet<number>>;
}

/** What a finished step changes, written in one transaction. */
export interface StepChanges {
  readonly competitionId: number;
  readonly syncBlock: number;
  /** The competition's new moving average. */
  readonly ema: Float32Array;
  /** Averages that changed as a side effect (the reference normalizes stored averages in place). */
  readonly otherEma?: ReadonlyMap<number, Float32Array>;
  /** Competitions still active: others lose their averages and queues. */
  readonly activeCompetitions: readonly number[];
  /** Each evaluated hotkey's result. */
  readonly results: readonly { readonly hotkey: string; readonly result: EvalResult }[];
  /** The uids kept for the competition's next step (its new `current` queue). */
  readonly kept: readonly number[];
  /** The step's report (JSON-serializable). */
  readonly report: { readonly step: number };
}

/** Options of {@linkcode ValidatorState.open}. */
export interface OpenStateOptions {
  /** The chain's genesis hash; a state of another chain is refused. Omitted offline: the recorded one is kept. */
  genesisHash?: string | undefined;
  /** The subnet; a state of another subnet is refused. */
  netuid: number;
  /** ms since the Unix epoch. @default Date.now */
  now?: () => number;
}

const MAX_HISTORY = 3;
const MAX_ERRORS = 200;

const toBlob = (weights: Float32Array): Uint8Array =>
  new Uint8Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
const fromBlob = (bytes: Uint8Array): Float32Array => new Float32Array(Uint8Array.from(bytes).buffer);
const score = (x: number): number | null => Number.isFinite(x) ? x : null;
const unscore = (x: unknown): number => x === null || x === undefined ? Infinity : Number(x);

/** The validator's persistent state. Open with {@linkcode ValidatorState.open}; close when done. */
export class ValidatorState implements Disposable {
  /** The state directory. */
  readonly dir: string;
  /** The database file. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #lock: Deno.FsFile | undefined;
  readonly #now: () => number;
  #closed = false;

  private constructor(dir: string, db: DatabaseSync, lock: Deno.FsFile | undefined, now: () => number) {
    this.dir = dir;
    this.path = join(dir, STATE_FILE);
    this.#db = db;
    this.#lock = lock;
    this.#now = now;
  }

  /**
   * Opens (or creates) the state in `dir`: takes the directory's lock,
   * removes stale temporaries, migrates the schema, and checks that the
   * state belongs to this chain and subnet.
   *
   * @throws {StateError} when another validator holds the directory, or the state is corrupt, too new, or
   *   another chain's or subnet's
   */
  static async open(dir: string, options: OpenStateOptions): Promise<ValidatorState> {
    await Deno.mkdir(join(dir, "reports"), { recursive: true });
    const lock = await takeLock(join(dir, LOCK_FILE));
    try {
      await removeStaleTemporaries(dir);
      const path = join(dir, STATE_FILE);
      let db: DatabaseSync;
      try {
        db = new DatabaseSync(path);
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
        const check = db.prepare("PRAGMA quick_check").get() as { quick_check?: string } | undefined;
        if (check?.quick_check !== "ok") throw new Error(String(check?.quick_check ?? "no answer"));
      } catch (error) {
        throw new StateError(`Cannot open the validator state "${path}": ${(error as Error).message}`, {
          hint: `The file is not a readable SQLite database. Move it away (the validator then starts from scratch) ` +
            `or restore a backup, or point --validator.state_dir elsewhere`,
          cause: error,
        });
      }
      const state = new ValidatorState(dir, db, lock, options.now ?? Date.now);
      try {
        state.#migrate();
        state.#checkIdentity(options);
      } catch (error) {
        db.close();
        throw error;
      }
      return state;
    } catch (error) {
      lock.close();
      throw error;
    }
  }

  /**
   * Opens an existing state for reading only, beside a running validator (no
   * lock, no migration): what `deno task report` and the status page use.
   *
   * @throws {StateError} when there is no state, or it cannot be read
   */
  static async openReadOnly(dir: string): Promise<ValidatorState> {
    const path = join(dir, STATE_FILE);
    try {
      await Deno.stat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new StateError(`Cannot read the validator state: "${path}" does not exist`, {
          hint:
            "Point --validator.state_dir at the directory `deno task validate` uses (default <model_dir>/../subvalid-state)",
        });
      }
      throw error;
    }
    try {
      const db = new DatabaseSync(path, { readOnly: true });
      db.exec("PRAGMA busy_timeout = 5000;");
      db.prepare("SELECT count(*) FROM meta").get();
      return new ValidatorState(dir, db, undefined, Date.now);
    } catch (error) {
      throw new StateError(`Cannot read the validator state "${path}": ${(error as Error).message}`, {
        hint: "The file is not a subvalid state database; check --validator.state_dir",
        cause: error,
      });
    }
  }

  #migrate(): void {
    this.#db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = this.#db.prepare("SELECT max(version) AS version FROM schema_version").get() as { version: unknown };
    const current = row.version === null ? 0 : Number(row.version);
    if (current > SCHEMA_VERSION) {
      throw new StateError(
        `Cannot use the validator state "${this.path}": its schema version is ${current}, this subvalid knows up to ${SCHEMA_VERSION}`,
        { hint: "Run the subvalid version that wrote it, or point --validator.state_dir elsewhere" },
      );
    }
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      this.transaction(() => {
        this.#db.exec(migration.sql);
        this.#db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(migration.version);
      });
    }
  }

  #checkIdentity(options: OpenStateOptions): void {
    const meta = (key: string) =>
      (this.#db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
    const netuid = meta("netuid");
    const genesis = meta("genesis_hash");
    const mismatch = (what: string) =>
      new StateError(`Cannot use the validator state "${this.path}": it belongs to ${what}`, {
        hint: "Each chain and subnet needs its own state: pass another --validator.state_dir",
      });
    if (netuid !== undefined && Number(netuid) !== options.netuid) {
      throw mismatch(`subnet ${netuid}, and this validator runs subnet ${options.netuid}`);
    }
    if (genesis !== undefined && options.genesisHash !== undefined && genesis !== options.genesisHash) {
      throw mismatch(`the chain with genesis ${genesis}, and this validator is on ${options.genesisHash}`);
    }
    this.transaction(() => {
      const set = this.#db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)");
      set.run("netuid", String(options.netuid));
      if (options.genesisHash !== undefined) set.run("genesis_hash", options.genesisHash);
      set.run("created_at", String(this.#now()));
    });
  }

  /** Runs `fn` in one transaction (`BEGIN IMMEDIATE … COMMIT`, rolled back when it throws). */
  transaction<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      this.#db.exec("COMMIT");
      return out;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #all(sql: string, ...params: SQLInputValue[]): Record<string, unknown>[] {
    return this.#db.prepare(sql).all(...params) as Record<string, unknown>[];
  }

  #get(sql: string, ...params: SQLInputValue[]): Record<string, unknown> | undefined {
    return this.#db.prepare(sql).get(...params) as Record<string, unknown> | undefined;
  }

  #run(sql: string, ...params: SQLInputValue[]): void {
    this.#db.prepare(sql).run(...params);
  }

  // ---- model tracker ----

  /** The model tracked for a hotkey. */
  model(hotkey: string): TrackedModel | undefined {
    const row = this.#get("SELECT * FROM models WHERE hotkey = ?", hotkey);
    return row === undefined ? undefined : trackedModel(row);
  }

  /** Every tracked hotkey's model. */
  models(): Map<string, TrackedModel> {
    return new Map(this.#all("SELECT * FROM models").map((row) => [String(row.hotkey), trackedModel(row)]));
  }

  /**
   * Records the model a hotkey committed (`on_miner_model_updated`): a
   * different model or block clears the hotkey's eval history.
   */
  recordModel(hotkey: string, model: TrackedModel): void {
    this.transaction(() => {
      const previous = this.model(hotkey);
      if (previous === undefined || !sameModel(previous, model)) {
        this.#run("DELETE FROM eval_history WHERE hotkey = ?", hotkey);
      }
      const id = model.modelId;
      this.#run(
        `INSERT OR REPLACE INTO models (hotkey, namespace, name, revision, secure_hash, competition_id, commit_block, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        hotkey,
        id.namespace,
        id.name,
        id.commit,
        id.secureHash,
        id.competitionId,
        model.block,
        this.#now(),
      );
    });
  }

  /** Forgets hotkeys that left the metagraph (`on_hotkeys_updated`). Returns how many went. */
  pruneHotkeys(current: ReadonlySet<string>): number {
    return this.transaction(() => {
      const gone = [...this.models().keys()].filter((hotkey) => !current.has(hotkey));
      for (const hotkey of gone) {
        this.#run("DELETE FROM models WHERE hotkey = ?", hotkey);
        this.#run("DELETE FROM eval_history WHERE hotkey = ?", hotkey);
      }
      return gone.length;
    });
  }

  /** A hotkey's eval results in a competition, oldest first (at most 3). */
  history(hotkey: string, competitionId: number): EvalResult[] {
    return this.#all(
      "SELECT * FROM eval_history WHERE hotkey = ? AND competition_id = ? ORDER BY block, id",
      hotkey,
      competitionId,
    ).map(evalResult);
  }

  /** The block of a hotkey's latest evaluation in any competition (`get_block_last_evaluated`). */
  lastEvaluatedBlock(hotkey: string): number | undefined {
    const row = this.#get("SELECT max(block) AS block FROM eval_history WHERE hotkey = ?", hotkey);
    return row?.block === null || row?.block === undefined ? undefined : Number(row.block);
  }

  /** Records one evaluation (`on_model_evaluated`), keeping the newest 3 by block. */
  recordEvaluation(hotkey: string, competitionId: number, result: EvalResult): void {
    this.transaction(() => this.#recordEvaluation(hotkey, competitionId, result));
  }

  #recordEvaluation(hotkey: string, competitionId: number, result: EvalResult): void {
    this.#run(
      "INSERT INTO eval_history (hotkey, competition_id, block, score, winning_block, winning_score) VALUES (?, ?, ?, ?, ?, ?)",
      hotkey,
      competitionId,
      result.block,
      score(result.score),
      Number.isFinite(result.winningBlock) ? result.winningBlock : null,
      score(result.winningScore),
    );
    const rows = this.#all(
      "SELECT id FROM eval_history WHERE hotkey = ? AND competition_id = ? ORDER BY block, id",
      hotkey,
      competitionId,
    );
    for (const row of rows.slice(0, Math.max(0, rows.length - MAX_HISTORY))) {
      this.#run("DELETE FROM eval_history WHERE id = ?", Number(row.id));
    }
  }

  // ---- competition tracker ----

  /** Every competition's moving average. */
  averages(): Map<number, Float32Array> {
    return new Map(
      this.#all("SELECT competition_id, weights FROM ema").map((row) => [
        Number(row.competition_id),
        fromBlob(row.weights as Uint8Array),
      ]),
    );
  }

  // ---- queues and runs ----

  /** The queues, per competition. */
  queues(): Queues {
    const current = new Map<number, Set<number>>();
    const pending = new Map<number, Set<number>>();
    for (const row of this.#all("SELECT competition_id, uid, kind FROM queues ORDER BY uid")) {
      const into = row.kind === "current" ? current : pending;
      const id = Number(row.competition_id);
      if (!into.has(id)) into.set(id, new Set());
      into.get(id)!.add(Number(row.uid));
    }
    return { current, pending };
  }

  /** Queues a uid for a competition's next step (a model that changed, or a top model to re-check). */
  addPending(competitionId: number, uid: number): void {
    this.#run("INSERT OR IGNORE INTO queues (competition_id, uid, kind) VALUES (?, ?, 'pending')", competitionId, uid);
  }

  /** Moves a competition's pending uids into its current set (the start of a step); returns the uids to evaluate. */
  takePending(competitionId: number): number[] {
    return this.transaction(() => {
      this.#run(
        "INSERT OR IGNORE INTO queues (competition_id, uid, kind) SELECT competition_id, uid, 'current' FROM queues WHERE competition_id = ? AND kind = 'pending'",
        competitionId,
      );
      this.#run("DELETE FROM queues WHERE competition_id = ? AND kind = 'pending'", competitionId);
      return this.#all(
        "SELECT uid FROM queues WHERE competition_id = ? AND kind = 'current' ORDER BY uid",
        competitionId,
      ).map((row) => Number(row.uid));
    });
  }

  /** The sync block a competition last ran at. */
  lastRun(competitionId: number): number | undefined {
    const row = this.#get("SELECT sync_block FROM last_run WHERE competition_id = ?", competitionId);
    return row === undefined ? undefined : Number(row.sync_block);
  }

  /**
   * Records a finished step in one transaction: the moving average, the
   * eval results, the kept uids, the last run, the dropped competitions and
   * the report.
   */
  commitStep(changes: StepChanges): void {
    this.transaction(() => {
      const { competitionId } = changes;
      this.#run(
        "INSERT OR REPLACE INTO ema (competition_id, weights) VALUES (?, ?)",
        competitionId,
        toBlob(changes.ema),
      );
      for (const [id, weights] of changes.otherEma ?? []) {
        this.#run("UPDATE ema SET weights = ? WHERE competition_id = ?", toBlob(weights), id);
      }
      const active = new Set(changes.activeCompetitions);
      for (const row of this.#all("SELECT competition_id FROM ema UNION SELECT competition_id FROM queues")) {
        const id = Number(row.competition_id);
        if (active.has(id)) continue;
        this.#run("DELETE FROM ema WHERE competition_id = ?", id);
        this.#run("DELETE FROM queues WHERE competition_id = ?", id);
      }
      for (const { hotkey, result } of changes.results) this.#recordEvaluation(hotkey, competitionId, result);
      this.#run("DELETE FROM queues WHERE competition_id = ? AND kind = 'current'", competitionId);
      for (const uid of changes.kept) {
        this.#run(
          "INSERT OR IGNORE INTO queues (competition_id, uid, kind) VALUES (?, ?, 'current')",
          competitionId,
          uid,
        );
      }
      this.#run(
        "INSERT OR REPLACE INTO last_run (competition_id, sync_block) VALUES (?, ?)",
        competitionId,
        changes.syncBlock,
      );
      this.#run(
        "INSERT OR REPLACE INTO step_reports (step, at, competition_id, sync_block, report) VALUES (?, ?, ?, ?, ?)",
        changes.report.step,
        this.#now(),
        competitionId,
        changes.syncBlock,
        JSON.stringify(changes.report),
      );
    });
  }

  // ---- reports, receipts, errors ----

  /** The number the next step report gets. */
  nextStep(): number {
    const row = this.#get("SELECT max(step) AS step FROM step_reports");
    return row?.step === null || row?.step === undefined ? 1 : Number(row.step) + 1;
  }

  /** One step's report, or the last one. */
  report(step?: number): Record<string, unknown> | undefined {
    const row = step === undefined
      ? this.#get("SELECT report FROM step_reports ORDER BY step DESC LIMIT 1")
      : this.#get("SELECT report FROM step_reports WHERE step = ?", step);
    return row === undefined ? undefined : JSON.parse(String(row.report));
  }

  /** The last `limit` step reports, oldest first. */
  reports(limit = 50): Record<string, unknown>[] {
    return this.#all(
      "SELECT report FROM (SELECT step, report FROM step_reports ORDER BY step DESC LIMIT ?) ORDER BY step",
      limit,
    )
      .map((row) => JSON.parse(String(row.report)));
  }

  /** The last `limit` step reports with the time each was recorded (ms since the Unix epoch), oldest first. */
  reportEntries(limit = 50): { step: number; at: number; report: Record<string, unknown> }[] {
    return this.#all(
      "SELECT step, at, report FROM (SELECT step, at, report FROM step_reports ORDER BY step DESC LIMIT ?) ORDER BY step",
      limit,
    ).map((row) => ({ step: Number(row.step), at: Number(row.at), report: JSON.parse(String(row.report)) }));
  }

  /** The last successful weight-setting attempt, if any. */
  lastWeightsSet(): { at: number; block: number | undefined; receipt: unknown } | undefined {
    const row = this.#get("SELECT * FROM weights_receipts WHERE success = 1 ORDER BY id DESC LIMIT 1");
    return row === undefined ? undefined : {
      at: Number(row.at),
      block: row.block === null ? undefined : Number(row.block),
      receipt: JSON.parse(String(row.receipt)),
    };
  }

  /** Records a weight-setting attempt. */
  recordReceipt(receipt: { readonly success: boolean; readonly block?: number } & Record<string, unknown>): void {
    this.#run(
      "INSERT INTO weights_receipts (at, success, block, receipt) VALUES (?, ?, ?, ?)",
      this.#now(),
      receipt.success ? 1 : 0,
      receipt.block ?? null,
      JSON.stringify(receipt, (_, v) => typeof v === "bigint" ? String(v) : v),
    );
  }

  /** The latest receipts, newest first. */
  receipts(limit = 20): { at: number; success: boolean; block: number | undefined; receipt: unknown }[] {
    return this.#all("SELECT * FROM weights_receipts ORDER BY id DESC LIMIT ?", limit).map((row) => ({
      at: Number(row.at),
      success: row.success === 1,
      block: row.block === null ? undefined : Number(row.block),
      receipt: JSON.parse(String(row.receipt)),
    }));
  }

  /** Records an error an operator should see (bounded: the oldest go). */
  recordError(source: string, message: string): void {
    this.transaction(() => {
      this.#run("INSERT INTO errors (at, source, message) VALUES (?, ?, ?)", this.#now(), source, message);
      this.#run("DELETE FROM errors WHERE id <= (SELECT max(id) FROM errors) - ?", MAX_ERRORS);
    });
  }

  /** The latest errors, newest first. */
  errors(limit = 20): { at: number; source: string; message: string }[] {
    return this.#all("SELECT at, source, message FROM errors ORDER BY id DESC LIMIT ?", limit).map((row) => ({
      at: Number(row.at),
      source: String(row.source),
      message: String(row.message),
    }));
  }

  /** Records a value in the state's meta table. */
  setMeta(key: string, value: string): void {
    this.#run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  /** A value recorded in the state's meta table. */
  meta(key: string): string | undefined {
    return (this.#get("SELECT value FROM meta WHERE key = ?", key)?.value as string | undefined) ?? undefined;
  }

  /** Closes the database and releases the directory's lock. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#lock?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function trackedModel(row: Record<string, unknown>): TrackedModel {
  return {
    modelId: {
      namespace: String(row.namespace),
      name: String(row.name),
      commit: row.revision === null ? null : String(row.revision),
      secureHash: row.secure_hash === null ? null : String(row.secure_hash),
      competitionId: Number(row.competition_id),
    },
    block: Number(row.commit_block),
  };
}

function evalResult(row: Record<string, unknown>): EvalResult {
  return {
    block: Number(row.block),
    score: unscore(row.score),
    winningBlock: row.winning_block === null ? Infinity : Number(row.winning_block),
    winningScore: unscore(row.winning_score),
  };
}

/** Whether two tracked models are the same commitment (id and block), as `ModelMetadata.__eq__`. */
export function sameModel(a: TrackedModel, b: TrackedModel): boolean {
  const x = a.modelId;
  const y = b.modelId;
  return a.block === b.block && x.namespace === y.namespace && x.name === y.name && x.commit === y.commit &&
    x.secureHash === y.secureHash && x.competitionId === y.competitionId;
}

async function takeLock(path: string): Promise<Deno.FsFile> {
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (error) {
    file.close();
    throw error;
  }
  if (!locked) {
    file.close();
    const holder = (await Deno.readTextFile(path).catch(() => "")).trim();
    throw new StateError(
      `Cannot use the state directory "${path.slice(0, -LOCK_FILE.length - 1)}": another validator${
        /^\d+$/.test(holder) ? ` (pid ${holder})` : ""
      } is using it`,
      { hint: "Stop the other validator first, or give this one its own --validator.state_dir" },
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  return file;
}

/** Removes `*.tmp` files a killed process left behind (atomic writes that never got renamed). */
async function removeStaleTemporaries(dir: string): Promise<void> {
  for (const sub of [dir, join(dir, "reports")]) {
    for await (const entry of Deno.readDir(sub)) {
      if (entry.isFile && entry.name.endsWith(".tmp")) await Deno.remove(join(sub, entry.name)).catch(() => {});
    }
  }
}
