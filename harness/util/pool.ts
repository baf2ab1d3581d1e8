/** Work over many items with a bound on how many run at once. */

/**
 * Runs `work` over `items`, at most `limit` at a time, in order of the items; every item is
 * tried even when one fails. Pushes each result into `into` (so that a failure can remove what
 * was made), then rejects with the first failure, or resolves with the results in order.
 */
export async function settledAll<T, R>(into: R[], items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let failure: { error: unknown } | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        const r = await work(items[i] as T);
        results[i] = r;
        into.push(r);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}
