/**
 * How much faas reads of what another machine sends, and the readers that stop there. A remote
 * stack file, a store index, a gateway answer or a template tarball is read up to a fixed size
 * and no further, so an endless or huge answer ends in a clear error instead of a hang or an
 * out-of-memory crash (V8 cannot even hold a string past ~512 MiB). Streams that are meant to
 * go on (`logs`, the answer of `invoke`) are not capped as a whole; they are passed on as they
 * come, and only one log line is bounded.
 *
 * Where each cap is enforced: gateway/client.ts (every got request, including the store
 * indexes and the tarball download), stack/load.ts (-f URL, read with fetch), gateway/logs.ts
 * (one NDJSON line).
 */

export const MiB = 1024 * 1024

/** A stack file given as an http(s) URL: real ones are kilobytes. */
export const MAX_STACK_BYTES = 8 * MiB
/** A template store or function store index. */
export const MAX_INDEX_BYTES = 8 * MiB
/** A gateway answer that is read whole: lists, describe, info, secrets, namespaces, error bodies. */
export const MAX_ANSWER_BYTES = 64 * MiB
/** A template repository tarball (the degit fast path); it goes to disk, not memory. */
export const MAX_TARBALL_BYTES = 128 * MiB
/** One line of a `logs` stream (the stream itself is unbounded). */
export const MAX_LOG_LINE_BYTES = 16 * MiB

/** `8 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

/** Thrown by the readers below; callers turn it into a FaasError that says what was read. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${formatBytes(limit)}`)
    this.name = 'TooLargeError'
  }
}

export function isTooLarge(error: unknown): error is TooLargeError {
  return error instanceof Error && error.name === 'TooLargeError'
}

/**
 * Passes `source` on chunk by chunk and throws a TooLargeError once more than `limit` bytes went
 * through (the source is then closed by the for-await, unread).
 */
export async function* limitBytes(source: AsyncIterable<Uint8Array | string>, limit: number): AsyncGenerator<Buffer> {
  let size = 0
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    size += buf.length
    if (size > limit) throw new TooLargeError(limit)
    yield buf
  }
}

/** All of `source`, or a TooLargeError as soon as it passes `limit` bytes. */
export async function readLimited(source: AsyncIterable<Uint8Array | string>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of limitBytes(source, limit)) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/**
 * The first `max` bytes of `source` as text, for quoting an error body; the rest is read and
 * dropped, so the connection ends cleanly and memory stays bounded.
 */
export async function readPrefix(source: AsyncIterable<unknown>, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of source) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : (c as Buffer)
    if (size < max) chunks.push(chunk.subarray(0, max - size))
    size += chunk.length
  }
  return Buffer.concat(chunks).toString('utf8')
}
