/**
 * Every task of the project. A config file may hold a section per task
 * (`score: {batch_tokens: 8192}`); sections of other tasks are ignored.
 */
export const TASK_NAMES: readonly string[] = [
  "validate",
  "demo",
  "report",
  "data",
  "chain:read",
  "commit",
  "devnet",
  "fetch",
  "gc",
  "hubsim",
  "score",
  "eval",
  "weights",
  "doctor",
  "bench",
  "bench:tokenize",
  "setup:cuda",
  "status",
  "consensus",
];
