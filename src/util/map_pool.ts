/**
 * A bounded pool over a list of items.
 *
 * @module
 */

/**
 * Runs `fn` over `items` with at most `limit` calls running at once and
 * returns the results in the items' order. After the first failure no new
 * call starts; it rejects with that error once the running calls settle.
 *
 * @example
 * ```ts
 * import { mapPool } from "./map_pool.ts";
 * const doubled = await mapPool([1, 2, 3], 2, (n) => Promise.resolve(n * 2));
 * console.assert(doubled.join() === "2,4,6");
 * ```
 */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
