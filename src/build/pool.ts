/**
 * A bounded worker pool that knows which worker runs a task: faas-cli numbers its build and push
 * workers (`[0] > Building hello.`), and the plain output keeps that. Built on p-limit, with a
 * slot taken from a free list for each running task.
 */
export async function runWorkers<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, worker: number, index: number) => Promise<R>,
  onWorkerDone?: (worker: number) => void,
): Promise<R[]> {
  const {default: pLimit} = await import('p-limit')
  const workers = Math.max(1, Math.min(concurrency, Math.max(items.length, 1)))
  const limit = pLimit(workers)
  const free = Array.from({length: workers}, (_, i) => i)
  const results = await Promise.all(items.map((item, index) => limit(async () => {
    const worker = free.shift()!
    try {
      return await task(item, worker, index)
    } finally {
      free.push(worker)
      free.sort((a, b) => a - b)
    }
  })))
  if (onWorkerDone) for (let w = 0; w < workers; w++) onWorkerDone(w)
  return results
}
