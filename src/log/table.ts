/**
 * Plain-text tables for summaries (stdout or a log line).
 *
 * @module
 */

/** A column of {@linkcode formatTable}. */
export interface Column<T> {
  /** Header text. */
  header: string;
  /** The cell text of a row. */
  value: (row: T) => string;
  /** Alignment. @default "left" */
  align?: "left" | "right";
}

/**
 * Formats rows as an aligned table with a header and a rule.
 *
 * @example
 * ```ts
 * import { formatTable } from "./table.ts";
 * const text = formatTable([{ uid: 1, loss: 2.5 }], [
 *   { header: "uid", value: (r) => String(r.uid), align: "right" },
 *   { header: "loss", value: (r) => r.loss.toFixed(3) },
 * ]);
 * console.assert(text.split("\n").length === 3);
 * ```
 */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, i) => columns[i]!.align === "right" ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))
      .join("  ").trimEnd();
  return [
    line(columns.map((column) => column.header)),
    widths.map((width) => "─".repeat(width)).join("  "),
    ...cells.map(line),
  ].join("\n");
}
