/** Runs `work` over `items` with at most `limit` at a time; results keep the order of `items`. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = Array.from({length: items.length})
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    // After a failure no new item starts; the ones in flight finish on their own.
    while (!failed && next < items.length) {
      const index = next++
      try {
        // eslint-disable-next-line no-await-in-loop -- a worker handles one item at a time by design
        results[index] = await work(items[index]!, index)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }

  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  return results
}
