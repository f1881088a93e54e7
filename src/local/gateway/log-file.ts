/**
 * A function's log lines on disk, so `faas logs` shows history after a gateway restart: a
 * bounded ring of two files in the function's folder, `current.ndjson` and `previous.ndjson`.
 * When current would pass `maxFileBytes` it becomes previous (the old previous goes), so one
 * function keeps at most 2 × maxFileBytes. One JSON line per entry: {"t": unix ns, "i", "x"}.
 *
 * Writing never holds up a call: lines are queued and written in batches by one loop (which also
 * rotates), and past `maxPendingBytes` waiting to be written, lines are dropped and counted (the
 * count is written once the disk keeps up). A gateway killed with -9 loses at most the batch in
 * flight; a cut last line is skipped when read back.
 */
import nodeFs, {promises as fs} from 'node:fs'
import path from 'node:path'
import type {LogEntry} from './log-store.js'

const CURRENT = 'current.ndjson'
const PREVIOUS = 'previous.ndjson'

export interface LogFileOptions {
  /** Largest size of one of the two files (default 2 MiB). */
  maxFileBytes?: number
  /** Lines waiting for the disk at most, in bytes (default 1 MiB). */
  maxPendingBytes?: number
  /** Told once when the disk refuses a write (persisting then stops). */
  onError?: (err: Error) => void
}

export class LogFile {
  private readonly maxFileBytes: number
  private readonly maxPendingBytes: number
  /**
   * Lines waiting for the disk, as bytes: one buffer being filled, one being written (swapped by
   * the loop). Lines are encoded at once, so no string outlives its call — a burst of logs leaves
   * only young garbage, never a heap of promoted strings waiting for a full collection.
   */
  private filling?: Buffer
  private spare?: Buffer
  private used = 0
  private dropped = 0
  private size = -1
  private handle?: fs.FileHandle
  private loop?: Promise<void>
  private scheduled = false
  private failed = false
  private closed = false

  constructor(readonly dir: string, private readonly opts: LogFileOptions = {}) {
    this.maxFileBytes = Math.max(1024, opts.maxFileBytes ?? 2 * 1024 * 1024)
    this.maxPendingBytes = opts.maxPendingBytes ?? 1024 * 1024
  }

  /**
   * The entries kept by an earlier run, oldest first (read at start-up, before any write). The
   * previous file is read only when the current one holds fewer than `lines` lines and `chars`
   * characters of text (what the caller keeps anyway).
   */
  readSync(lines = Infinity, chars = Infinity): LogEntry[] {
    const current = this.readFileSync(CURRENT)
    let size = 0
    for (const e of current) size += e.text.length
    if (current.length >= lines || size >= chars) return current
    return [...this.readFileSync(PREVIOUS), ...current]
  }

  private readFileSync(name: string): LogEntry[] {
    const out: LogEntry[] = []
    let text: string
    try {
      text = nodeFs.readFileSync(path.join(this.dir, name), 'utf8')
    } catch {
      return out
    }
    for (const line of text.split('\n')) {
      if (!line) continue
      try {
        const o = JSON.parse(line) as {t?: unknown; i?: unknown; x?: unknown}
        if (typeof o.t === 'string' && /^\d{1,20}$/.test(o.t) && typeof o.i === 'string' && typeof o.x === 'string') {
          out.push({time: BigInt(o.t), instance: o.i, text: o.x})
        }
      } catch {
        // a line cut by a kill, or damage: skipped
      }
    }
    return out
  }

  write(e: LogEntry): void {
    if (this.failed || this.closed) return
    const line = JSON.stringify({t: e.time.toString(), i: e.instance, x: e.text}) + '\n'
    const bytes = Buffer.byteLength(line)
    if (this.used + bytes > this.maxPendingBytes) {
      this.dropped++
      return
    }
    this.reserve(this.used + bytes)
    this.used += this.filling!.write(line, this.used)
    this.schedule()
  }

  /** Room for `bytes` in the buffer being filled (it grows by doubling up to maxPendingBytes). */
  private reserve(bytes: number): void {
    if (this.filling && this.filling.length >= bytes) return
    let size = Math.max(64 * 1024, this.filling?.length ?? 0)
    while (size < bytes) size *= 2
    const grown = Buffer.allocUnsafe(Math.max(bytes, Math.min(size, this.maxPendingBytes)))
    if (this.filling && this.used) this.filling.copy(grown, 0, 0, this.used)
    this.filling = grown
  }

  private schedule(): void {
    if (this.scheduled || this.loop) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.loop = this.drain().finally(() => {
        this.loop = undefined
        if ((this.used || this.dropped) && !this.failed) this.schedule()
        // an idle function holds no buffers
        else if (!this.used) this.filling = this.spare = undefined
      })
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.used || this.dropped) {
        if (this.dropped) {
          const note = {t: (BigInt(Date.now()) * 1_000_000n).toString(), i: 'gateway', x: `${this.dropped} log line(s) dropped: the disk did not keep up`}
          const text = JSON.stringify(note) + '\n'
          this.reserve(this.used + Buffer.byteLength(text))
          this.used += this.filling!.write(text, this.used)
          this.dropped = 0
        }
        // swap: new lines go to the other buffer while this one is written
        const written = this.filling!
        const chunk = written.subarray(0, this.used)
        this.filling = this.spare
        this.spare = written
        this.used = 0
        await this.writeChunk(chunk)
      }
    } catch (err) {
      this.failed = true
      this.used = 0
      this.filling = this.spare = undefined
      this.opts.onError?.(err as Error)
    }
  }

  /** Appends whole lines, rotating when the current file would pass maxFileBytes. */
  private async writeChunk(chunk: Buffer): Promise<void> {
    let rest = chunk
    while (rest.length) {
      const size = await this.currentSize()
      if (size + rest.length <= this.maxFileBytes) {
        await this.append(rest)
        return
      }
      // the lines that still fit, then a fresh file for the others
      const room = this.maxFileBytes - size
      const fits = size === 0 || room <= 0 ? -1 : rest.lastIndexOf(10, room - 1)
      if (fits >= 0) {
        await this.append(rest.subarray(0, fits + 1))
        rest = rest.subarray(fits + 1)
        if (rest.length) await this.rotate()
      } else if (size > 0) {
        await this.rotate()
      } else {
        // one line longer than a whole file: it gets a file of its own
        const end = rest.indexOf(10)
        const line = end < 0 ? rest.length : end + 1
        await this.append(rest.subarray(0, line))
        rest = rest.subarray(line)
        if (rest.length) await this.rotate()
      }
    }
  }

  private async currentSize(): Promise<number> {
    if (this.size < 0) {
      await fs.mkdir(this.dir, {recursive: true, mode: 0o700})
      this.handle = await fs.open(path.join(this.dir, CURRENT), 'a', 0o600)
      this.size = (await this.handle.stat()).size
    }
    return this.size
  }

  private async append(bytes: Buffer): Promise<void> {
    let off = 0
    while (off < bytes.length) off += (await this.handle!.write(bytes, off, bytes.length - off)).bytesWritten
    this.size += bytes.length
  }

  private async rotate(): Promise<void> {
    await this.handle?.close()
    this.handle = undefined
    await fs.rename(path.join(this.dir, CURRENT), path.join(this.dir, PREVIOUS))
    // opened again (empty) by currentSize(); never recreating the folder of a removed function
    this.handle = await fs.open(path.join(this.dir, CURRENT), 'a', 0o600)
    this.size = 0
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    this.closed = true
    while (this.scheduled || this.loop) {
      if (this.loop) await this.loop
      else await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await this.handle?.close().catch(() => {})
    this.handle = undefined
  }
}
