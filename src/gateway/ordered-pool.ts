/**
 * Run one task per item with at most `limit` at once, and hand the results back in item order
 * as soon as each one and all before it are done — so `deploy --parallel 8` prints exactly what a
 * sequential run prints, only sooner.
 */
export interface OrderedPoolOptions<R> {
  limit: number
  /** Called in item order, once per item. */
  onResult?: (result: R, index: number) => void
  /** Checked before a task starts: true skips the remaining items (they get `skipped(i)`). */
  stop?: () => boolean
}

export async function runOrdered<T, R>(
  items: readonly T[],
  task: (item: T, index: number) => Promise<R>,
  skipped: (item: T, index: number) => R,
  options: OrderedPoolOptions<R>,
): Promise<R[]> {
  const limit = Math.max(1, Math.floor(options.limit) || 1)
  const results: R[] = new Array(items.length)
  const done: boolean[] = new Array(items.length).fill(false)
  let next = 0
  let emitted = 0

  const flush = () => {
    while (emitted < items.length && done[emitted]) {
      options.onResult?.(results[emitted], emitted)
      emitted++
    }
  }

  const worker = async () => {
    while (next < items.length) {
      const i = next++
      if (options.stop?.()) results[i] = skipped(items[i], i)
      else results[i] = await task(items[i], i)
      done[i] = true
      flush()
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  flush()
  return results
}
