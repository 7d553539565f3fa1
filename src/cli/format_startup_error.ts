/**
 * The error a task prints before its logging is set up (a bad flag or config
 * file, or a denial while reading it), in the log's text format: an ERROR
 * line and a Hint line. Kept apart from the logging setup so that the
 * launcher starts without loading it.
 *
 * @module
 */
import { describeDenial, SubvalidError } from "../errors/mod.ts";
import { formatTimestamp } from "../log/format.ts";

/** The ERROR line (and the Hint line) printed before logging is set up. */
export function formatStartupError(error: unknown, set: string, prefix = ""): string {
  const denial = describeDenial(error, set);
  const message = denial?.message ?? (error instanceof Error ? error.message : String(error));
  const hint = denial?.hint ?? (error instanceof SubvalidError ? error.hint : undefined);
  const time = formatTimestamp(Date.now());
  return `${time} | ERROR   | ${prefix}${message}\n` + (hint ? `${time} | INFO    | Hint: ${hint}\n` : "");
}
