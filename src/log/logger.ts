/**
 * The logger every module uses: messages plus structured fields, levels
 * TRACE, DEBUG, INFO, SUCCESS, WARNING and ERROR. Records go nowhere until
 * a task calls `setupLogging`.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { SUCCESS_MARK } from "./format.ts";

/** Structured fields attached to a log line. */
export type Fields = Readonly<Record<string, unknown>>;

/** A category logger. */
export interface Log {
  trace(message: string, fields?: Fields): void;
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  /** An INFO record shown as SUCCESS. */
  success(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  /** A logger that adds `fields` to every record. */
  with(fields: Fields): Log;
}

/** Braces are template placeholders for logtape; log our text literally. */
function literal(message: string): string {
  return message.replaceAll("{", "{{").replaceAll("}", "}}");
}

/**
 * Returns the logger of a category under `subvalid`.
 *
 * @example
 * ```ts
 * import { getLog } from "./logger.ts";
 * const log = getLog("chain");
 * log.info("Connected", { endpoint: "ws://127.0.0.1:9944" });
 * ```
 */
export function getLog(...category: string[]): Log {
  return wrap(getLogger(["subvalid", ...category]), {});
}

function wrap(logger: ReturnType<typeof getLogger>, context: Fields): Log {
  const props = (fields: Fields | undefined) => ({ ...context, ...fields });
  return {
    trace: (message, fields) => logger.trace(literal(message), props(fields)),
    debug: (message, fields) => logger.debug(literal(message), props(fields)),
    info: (message, fields) => logger.info(literal(message), props(fields)),
    success: (message, fields) => logger.info(literal(message), { ...props(fields), [SUCCESS_MARK]: true }),
    warn: (message, fields) => logger.warn(literal(message), props(fields)),
    error: (message, fields) => logger.error(literal(message), props(fields)),
    with: (fields) => wrap(logger, props(fields)),
  };
}
