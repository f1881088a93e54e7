/**
 * Recent log lines of one function (all its replicas), for `/system/logs`: a bounded ring
 * buffer plus live subscribers for `follow=true`; with a LogFile, the lines are also kept on disk
 * and the ring starts with what an earlier gateway kept.
 */
import {nowUnixNanos} from '../clock.js'
import type {LogFile} from './log-file.js'

export interface LogEntry {
  /** Unix nanoseconds. */
  time: bigint
  instance: string
  text: string
}

export type LogListener = (entry: LogEntry) => void

export class LogStore {
  // The ring: line i (of `capacity` slots) was logged at times[i] by instances[i], and its text is
  // lengths[i] bytes of UTF-8 at offsets[i] in `bytes`, a circular byte buffer. Text lives
  // outside the JS heap, so a burst of logs leaves no strings behind to be promoted and collected
  // later (a 60 MB burst once grew the gateway by ~120 MB on Node 24 before a full collection).
  private readonly times: BigInt64Array
  private readonly offsets: Uint32Array
  private readonly lengths: Uint32Array
  private readonly instances: Array<string | undefined>
  private bytes?: Buffer
  /** Where the next line's bytes go. */
  private head = 0
  private start = 0
  private size = 0
  /** Bytes of the lines kept. */
  private kept = 0
  private readonly maxRingBytes: number
  private readonly listeners = new Set<LogListener>()
  private closed = false
  private readonly closeListeners = new Set<() => void>()

  private file?: LogFile
  private fileClosed?: Promise<void>

  /** Keeps at most `capacity` lines and about `maxBytes` bytes of text, dropping the oldest first. */
  constructor(
    private readonly capacity = 5000,
    private readonly maxLineLength = 16_384,
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {
    this.times = new BigInt64Array(capacity)
    this.offsets = new Uint32Array(capacity)
    this.lengths = new Uint32Array(capacity)
    this.instances = new Array(capacity)
    // room for the kept bytes plus the longest line (and what a wrap leaves unused)
    this.maxRingBytes = maxBytes + 2 * (maxLineLength * 3 + 64)
  }

  /** Keeps the lines on disk too, starting from those the file already holds. */
  persistTo(file: LogFile): void {
    for (const e of file.readSync(this.capacity, this.maxBytes)) this.put(e)
    this.file = file
  }

  append(instance: string, text: string): void {
    const entry: LogEntry = {
      time: nowUnixNanos(),
      instance,
      text: text.length > this.maxLineLength ? text.slice(0, this.maxLineLength) + ' …(truncated)' : text,
    }
    this.put(entry)
    this.file?.write(entry)
    for (const l of this.listeners) l(entry)
  }

  private put(entry: LogEntry): void {
    const n = Buffer.byteLength(entry.text)
    if (this.size === this.capacity) this.dropOldest()
    while (this.kept + n > this.maxBytes && this.size > 0) this.dropOldest()
    const at = this.place(n)
    const slot = (this.start + this.size) % this.capacity
    if (n) this.bytes!.write(entry.text, at)
    this.times[slot] = entry.time
    this.offsets[slot] = at
    this.lengths[slot] = n
    this.instances[slot] = entry.instance
    this.head = at + n
    this.size++
    this.kept += n
  }

  /** Where `n` bytes go: after the newest line, or at 0, dropping the oldest lines in the way. */
  private place(n: number): number {
    if (!this.bytes) this.bytes = Buffer.allocUnsafe(Math.min(this.maxRingBytes, Math.max(64 * 1024, n)))
    if (this.head + n > this.bytes.length && this.bytes.length < this.maxRingBytes) this.grow(this.head + n)
    let at = this.head
    if (at + n > this.bytes.length) {
      // lines past the head are the oldest: they go, and writing starts again at 0
      while (this.size > 0 && this.offsets[this.start] >= at) this.dropOldest()
      at = 0
    }
    while (this.size > 0 && this.offsets[this.start] >= at && this.offsets[this.start] < at + n) this.dropOldest()
    return at
  }

  /** A bigger ring (up to maxRingBytes), with the lines kept copied to its start in order. */
  private grow(need: number): void {
    let length = this.bytes!.length
    while (length < Math.max(need, this.kept + need - this.head)) length *= 2
    const next = Buffer.allocUnsafe(Math.min(this.maxRingBytes, length))
    let at = 0
    for (let i = 0; i < this.size; i++) {
      const slot = (this.start + i) % this.capacity
      this.bytes!.copy(next, at, this.offsets[slot], this.offsets[slot] + this.lengths[slot])
      this.offsets[slot] = at
      at += this.lengths[slot]
    }
    this.bytes = next
    this.head = at
  }

  private dropOldest(): void {
    this.kept -= this.lengths[this.start]
    this.instances[this.start] = undefined
    this.start = (this.start + 1) % this.capacity
    this.size--
    if (this.size === 0) this.head = 0
  }

  /** Stored lines, oldest first, filtered by time and instance; `tail` > 0 keeps the last N. */
  query(opts: {sinceNs?: bigint; instance?: string; tail?: number} = {}): LogEntry[] {
    const slots: number[] = []
    for (let i = 0; i < this.size; i++) {
      const slot = (this.start + i) % this.capacity
      if (opts.sinceNs !== undefined && this.times[slot] < opts.sinceNs) continue
      if (opts.instance && this.instances[slot] !== opts.instance) continue
      slots.push(slot)
    }
    // text is decoded only for the lines returned
    const picked = opts.tail !== undefined && opts.tail > 0 ? slots.slice(-opts.tail) : slots
    return picked.map((slot) => ({
      time: this.times[slot],
      instance: this.instances[slot]!,
      text: this.bytes!.toString('utf8', this.offsets[slot], this.offsets[slot] + this.lengths[slot]),
    }))
  }

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Called when the function is deleted: followers stop. */
  close(): void {
    this.fileClosed ??= this.file?.close()
    this.closed = true
    this.listeners.clear()
    for (const l of this.closeListeners) l()
    this.closeListeners.clear()
  }

  /** Resolves once the lines are on disk and the file is closed (after close()). */
  flushed(): Promise<void> {
    return this.fileClosed ?? Promise.resolve()
  }

  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener()
      return () => {}
    }
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }
}
