#!/usr/bin/env -S deno run -P=score
/**
 * The scoring worker: reads one versioned JSON request (`ScoreRequest`,
 * src/score/score_contract.ts) from stdin, scores the model, writes one JSON
 * response on stdout and exits 0. The validator starts one per model under
 * the `score` permission set (no network, no wallet), widened by exactly the
 * request's paths, and kills it at the deadline. Not a task for people: use
 * `deno task score`.
 *
 * ```sh
 * echo '{"version":1,"modelDir":"…","samplesFile":"…","cacheDir":"…","device":"cpu","deadlineMs":720000}' |
 *   deno run -P=score tasks/score_worker.ts
 * ```
 *
 * @module
 */
import { setupLogging } from "../src/log/mod.ts";
import { handleScoreRequest, parseScoreRequest, SCORE_CONTRACT_VERSION, type ScoreResponse } from "../src/score/mod.ts";

/** Reads the request, answers, and returns the exit code (0 whenever a response was written). */
export async function main(): Promise<number> {
  let response: ScoreResponse;
  try {
    const text = await new Response(Deno.stdin.readable).text();
    const request = parseScoreRequest(JSON.parse(text));
    await using _logging = await setupLogging({ level: request.logLevel ?? "warning" });
    response = await handleScoreRequest(request);
  } catch (error) {
    response = {
      version: SCORE_CONTRACT_VERSION,
      ok: false,
      error: { name: (error as Error).name, message: (error as Error).message, exitCode: 2 },
    };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(response) + "\n");
  for (let written = 0; written < bytes.length;) written += await Deno.stdout.write(bytes.subarray(written));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
