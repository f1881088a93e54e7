/**
 * Progress output for build/push/publish: the plain line format faas-cli prints (for logs, CI
 * and non-terminals) and a live multi-line view for terminals when several functions run at
 * once. Progress goes to one stream (stderr); results (`Image: … built.`, the data a script looks
 * for) go to `out` (stdout, where faas-cli prints them).
 */

export interface TaskStart {
  /** Function name. */
  name: string
  /** Worker slot, faas-cli's `[i]`. */
  worker: number
  /** Verb for the plain lines: Building, Pushing, Publishing. */
  verb: string
  /** Text after the name, e.g. ` [image]` for push (default: a full stop). */
  detail?: string
}

export type TaskOutcome = 'done' | 'failed' | 'up to date' | 'skipped'

export interface Progress {
  /** A task (one function) starts. */
  start(task: TaskStart): void
  /** A message about a task (`Building: … Please wait..`). */
  message(name: string, text: string): void
  /** What a task produced (`Image: … built.`): one line on the results stream, in every view. */
  result(name: string, text: string): void
  /** One line of engine output for a task (hidden when quiet). */
  output(name: string, line: string): void
  /** A task ends. */
  end(name: string, outcome: TaskOutcome, seconds: number): void
  /** A line not tied to a running task. */
  log(text: string): void
  /** A worker has no more tasks (faas-cli's `[i] Worker done.`). */
  workerDone(worker: number): void
  /** Stop any live rendering; print a final summary line if given. */
  close(summary?: string): void
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}
  /** Where results go (default: `stream`). */
  out?: NodeJS.WritableStream
  /** Hide engine output. */
  quiet?: boolean
  /** Number of tasks run at once (output gets a `<fn> |` prefix when > 1). */
  parallel: number
  /** faas-cli's stack-mode framing (`[i] > …`, `[i] Worker done.`); off for the flags-only build. */
  framed?: boolean
  /** Force the live view on/off (default: a TTY and not CI). */
  live?: boolean
  /** Every function the run may show, so the live view's columns line up from the first line. */
  names?: readonly string[]
  /** For NO_COLOR (default process.env). */
  env?: NodeJS.ProcessEnv
}

/** https://no-color.org: any non-empty NO_COLOR turns colours off. */
export function colourAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR
}

export function wantsLiveView(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb'
}

export function createProgress(opts: ProgressOptions): Progress {
  const live = opts.live ?? (opts.parallel > 1 && wantsLiveView(opts.stream))
  return live ? new LiveProgress(opts) : new PlainProgress(opts)
}

function fmtSeconds(s: number): string {
  return s.toFixed(2)
}

/** faas-cli's lines, one after the other. */
export class PlainProgress implements Progress {
  private readonly workers = new Map<string, TaskStart>()

  constructor(private readonly opts: ProgressOptions) {}

  private write(text: string): void {
    this.opts.stream.write(`${text}\n`)
  }

  start(task: TaskStart): void {
    this.workers.set(task.name, task)
    if (this.opts.framed !== false) this.write(`[${task.worker}] > ${task.verb} ${task.name}${task.detail ?? '.'}`)
  }

  message(_name: string, text: string): void {
    this.write(text)
  }

  result(_name: string, text: string): void {
    ;(this.opts.out ?? this.opts.stream).write(`${text}\n`)
  }

  output(name: string, line: string): void {
    if (this.opts.quiet) return
    this.write(this.opts.parallel > 1 ? `${name} | ${line}` : line)
  }

  end(name: string, outcome: TaskOutcome, seconds: number): void {
    const task = this.workers.get(name)
    if (!task || this.opts.framed === false) return
    const what = `${task.verb} ${name}${task.detail ?? ''}`
    if (outcome === 'done') this.write(`[${task.worker}] < ${what} done in ${fmtSeconds(seconds)}s.`)
    else if (outcome === 'up to date') this.write(`[${task.worker}] < ${what}: up to date.`)
    else if (outcome === 'failed') this.write(`[${task.worker}] < ${what} failed after ${fmtSeconds(seconds)}s.`)
  }

  log(text: string): void {
    this.write(text)
  }

  workerDone(worker: number): void {
    if (this.opts.framed !== false) this.write(`[${worker}] Worker done.`)
  }

  close(summary?: string): void {
    if (summary !== undefined) this.write(summary)
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** The name column: as wide as the longest name, at least 4 and at most 30 (longer names are cut). */
function fitName(names: readonly string[]): number {
  return Math.min(30, Math.max(4, ...names.map((n) => n.length)))
}

interface LiveRow {
  name: string
  verb: string
  state: 'running' | TaskOutcome
  text: string
  started: number
  seconds?: number
}

/**
 * A live view for terminals: one line per running function (spinner, name, latest message or
 * output line, elapsed time), redrawn in place; a finished function's line is printed above the
 * live area with ✔/✖, as are messages that must stay (errors, summaries). The name column is as
 * wide as the longest name of the run (given up front as `names`), so finished lines printed
 * early line up with later ones; ✔/✖ are coloured unless NO_COLOR is set.
 */
export class LiveProgress implements Progress {
  private readonly rows: LiveRow[] = []
  private drawn = 0
  private frame = 0
  private timer: NodeJS.Timeout | undefined
  private dirty = false
  private readonly colour: boolean
  /** Width of the name column: the longest name known so far, kept for the whole run. */
  private nameWidth: number

  constructor(private readonly opts: ProgressOptions) {
    this.colour = colourAllowed(opts.env)
    this.nameWidth = fitName(opts.names ?? [])
    this.timer = setInterval(() => {
      this.frame = (this.frame + 1) % SPINNER.length
      this.render()
    }, 100)
    this.timer.unref()
  }

  private row(name: string): LiveRow | undefined {
    return this.rows.find((r) => r.name === name)
  }

  start(task: TaskStart): void {
    this.nameWidth = Math.max(this.nameWidth, fitName([task.name]))
    this.rows.push({name: task.name, verb: task.verb, state: 'running', text: `${task.verb.toLowerCase()}…`, started: Date.now()})
    this.schedule()
  }

  message(name: string, text: string): void {
    const r = this.row(name)
    if (r) r.text = text
    this.schedule()
  }

  output(name: string, line: string): void {
    const r = this.row(name)
    if (r && line.trim()) r.text = line.trim()
    this.schedule()
  }

  end(name: string, outcome: TaskOutcome, seconds: number): void {
    const i = this.rows.findIndex((r) => r.name === name)
    if (i < 0) return
    const r = this.rows[i]
    r.state = outcome
    r.seconds = seconds
    if (outcome === 'done') r.text = 'done'
    else if (outcome === 'up to date') r.text = 'up to date'
    // a finished row leaves the live area for good, so the area never holds more rows than
    // tasks running at once (a 200-function stack still fits the terminal)
    this.rows.splice(i, 1)
    this.log(this.format(r))
  }

  log(text: string): void {
    this.above(this.opts.stream, text)
  }

  result(_name: string, text: string): void {
    this.above(this.opts.out ?? this.opts.stream, text)
  }

  /** A line that stays, above the live area (which is redrawn below it). */
  private above(stream: NodeJS.WritableStream, text: string): void {
    this.clear()
    stream.write(`${text}\n`)
    this.drawn = 0
    this.render()
  }

  workerDone(): void {}

  close(summary?: string): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.render()
    this.drawn = 0
    if (summary !== undefined) this.opts.stream.write(`${summary}\n`)
  }

  private schedule(): void {
    this.dirty = true
    setImmediate(() => {
      if (this.dirty) this.render()
    })
  }

  private clear(): void {
    if (this.drawn > 0) this.opts.stream.write(`\x1b[${this.drawn}A\x1b[0J`)
  }

  private paint(code: number, text: string): string {
    return this.colour ? `\x1b[${code}m${text}\x1b[0m` : text
  }

  private format(r: LiveRow): string {
    const width = Math.max(40, (this.opts.stream.columns ?? 100) - 1)
    const icon = r.state === 'running' ? SPINNER[this.frame] : r.state === 'failed' ? this.paint(31, '✖') : r.state === 'skipped' ? '-' : this.paint(32, '✔')
    const secs = r.state === 'running' ? (Date.now() - r.started) / 1000 : r.seconds ?? 0
    const name = r.name.length > this.nameWidth ? `${r.name.slice(0, this.nameWidth - 1)}…` : r.name.padEnd(this.nameWidth)
    const head = `${name}  ${fmtSeconds(secs).padStart(6)}s  `
    const room = Math.max(0, width - head.length - 2)
    const text = r.text.length > room ? `${r.text.slice(0, Math.max(0, room - 1))}…` : r.text
    return `${icon} ${head}${text}`
  }

  private render(): void {
    this.dirty = false
    const lines = this.rows.map((r) => this.format(r))
    this.clear()
    if (lines.length) this.opts.stream.write(`${lines.join('\n')}\n`)
    this.drawn = lines.length
  }
}
