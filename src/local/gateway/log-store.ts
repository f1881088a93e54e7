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
  private readonly buffer: Array<LogEntry | undefined>
  private start = 0
  private size = 0
  private readonly listeners = new Set<LogListener>()
  private closed = false
  private readonly closeListeners = new Set<() => void>()

  private chars = 0
  private file?: LogFile
  private fileClosed?: Promise<void>

  /** Keeps at most `capacity` lines and about `maxChars` characters, dropping the oldest first. */
  constructor(
    private readonly capacity = 5000,
    private readonly maxLineLength = 16_384,
    private readonly maxChars = 4 * 1024 * 1024,
  ) {
    this.buffer = new Array(capacity)
  }

  /** Keeps the lines on disk too, starting from those the file already holds. */
  persistTo(file: LogFile): void {
    for (const e of file.readSync(this.capacity, this.maxChars)) this.put(e)
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
    if (this.size === this.capacity) this.dropOldest()
    this.buffer[(this.start + this.size) % this.capacity] = entry
    this.size++
    this.chars += entry.text.length
    while (this.chars > this.maxChars && this.size > 1) this.dropOldest()
  }

  private dropOldest(): void {
    const e = this.buffer[this.start]
    if (e) this.chars -= e.text.length
    this.buffer[this.start] = undefined
    this.start = (this.start + 1) % this.capacity
    this.size--
  }

  /** Stored lines, oldest first, filtered by time and instance; `tail` > 0 keeps the last N. */
  query(opts: {sinceNs?: bigint; instance?: string; tail?: number} = {}): LogEntry[] {
    const out: LogEntry[] = []
    for (let i = 0; i < this.size; i++) {
      const e = this.buffer[(this.start + i) % this.capacity]!
      if (opts.sinceNs !== undefined && e.time < opts.sinceNs) continue
      if (opts.instance && e.instance !== opts.instance) continue
      out.push(e)
    }
    return opts.tail !== undefined && opts.tail > 0 ? out.slice(-opts.tail) : out
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
