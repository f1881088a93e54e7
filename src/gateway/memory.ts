/**
 * Keeping a streamed body's memory flat. Streams allocate a fresh buffer per chunk; V8 frees
 * them only at a garbage collection, which it starts late for memory outside its heap (tens of
 * MB). For a long invoke stream that slack costs more than the stream itself, so every few MB
 * we ask for a young-generation collection, which frees the chunks already written and takes
 * well under a millisecond.
 */
import v8 from 'node:v8'
import vm from 'node:vm'

type Gc = (options?: {type?: 'minor' | 'major'; execution?: 'sync' | 'async'}) => void

let gc: Gc | null | undefined

function collector(): Gc | null {
  if (gc !== undefined) return gc
  try {
    v8.setFlagsFromString('--expose-gc')
    gc = vm.runInNewContext('gc') as Gc
  } catch {
    gc = null
  }
  return gc
}

/** A counter to call with each chunk's size: it collects young garbage every `everyBytes`. */
export function chunkCollector(everyBytes = 2 * 1024 * 1024): (bytes: number) => void {
  let since = 0
  return (bytes) => {
    since += bytes
    if (since < everyBytes) return
    since = 0
    const run = collector()
    if (run) {
      try {
        run({type: 'minor'})
      } catch {
        run()
      }
    }
  }
}
