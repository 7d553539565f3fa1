/**
 * Every task the launcher starts: its spec (flags, and what a run reaches
 * beyond its permission set) and its module. Only light modules are
 * imported here; the task's own module loads in the child process.
 *
 * @module
 */
import type { TaskSpec } from "../../src/config/mod.ts";
import { spec as bench } from "./bench.ts";
import { spec as benchTokenize } from "./bench_tokenize.ts";
import { spec as chainRead } from "./chain_read.ts";
import { spec as commit } from "./commit.ts";
import { spec as consensus } from "./consensus.ts";
import { spec as demo } from "./demo.ts";
import { spec as devnet } from "./devnet.ts";
import { spec as doctor } from "./doctor.ts";
import { spec as data } from "./data.ts";
import { spec as evalSpec } from "./eval.ts";
import { spec as fetch } from "./fetch.ts";
import { spec as gc } from "./gc.ts";
import { spec as hubsim } from "./hubsim.ts";
import { spec as report } from "./report.ts";
import { spec as score } from "./score.ts";
import { spec as setupCuda } from "./setup_cuda.ts";
import { spec as status } from "./status.ts";
import { spec as validate } from "./validate.ts";
import { spec as weights } from "./weights.ts";

/** A task the launcher can start. */
export interface LaunchableTask {
  /** Its flags and what a run reaches. */
  // deno-lint-ignore no-explicit-any
  readonly spec: TaskSpec<any>;
  /** Its module, relative to the project root. */
  readonly module: string;
}

/** The tasks by `deno task` name. */
export const TASKS: Readonly<Record<string, LaunchableTask>> = Object.freeze({
  "bench": { spec: bench, module: "tasks/bench.ts" },
  "bench:tokenize": { spec: benchTokenize, module: "tasks/bench/tokenize.ts" },
  "chain:read": { spec: chainRead, module: "tasks/chain_read.ts" },
  "commit": { spec: commit, module: "tasks/commit.ts" },
  "consensus": { spec: consensus, module: "tasks/consensus.ts" },
  "demo": { spec: demo, module: "tasks/demo.ts" },
  "devnet": { spec: devnet, module: "tasks/devnet.ts" },
  "doctor": { spec: doctor, module: "tasks/doctor.ts" },
  "data": { spec: data, module: "tasks/data.ts" },
  "eval": { spec: evalSpec, module: "tasks/eval.ts" },
  "fetch": { spec: fetch, module: "tasks/fetch.ts" },
  "gc": { spec: gc, module: "tasks/gc.ts" },
  "hubsim": { spec: hubsim, module: "tasks/hubsim.ts" },
  "report": { spec: report, module: "tasks/report.ts" },
  "score": { spec: score, module: "tasks/score.ts" },
  "setup:cuda": { spec: setupCuda, module: "tasks/setup_cuda.ts" },
  "status": { spec: status, module: "tasks/status.ts" },
  "validate": { spec: validate, module: "main.ts" },
  "weights": { spec: weights, module: "tasks/weights.ts" },
});
