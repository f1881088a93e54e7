/**
 * The long-running function process of http mode: spawned once, watched, and (when supervised
 * by the embedded gateway) restarted after a crash. It counts as ready once its port accepts
 * connections, so early requests wait instead of failing (of-watchdog answers them 500).
 */
import type {ChildProcess} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {existsSync} from 'node:fs'
import net from 'node:net'
import {launch, type Launcher} from '../sandbox/launch.js'
import {stopTree} from '../sandbox/process-tree.js'
import {type LogSink, relayLines} from './logs.js'
import {splitFprocess} from './config.js'
import {spawnErrorText} from '../sandbox/spawn-pool.js'

export interface FunctionProcessOptions {
  fprocess: string
  env: Record<string, string>
  cwd?: string
  upstream: {host: string; port: number}
  logs: LogSink
  logBufferSize: number
  /** Restart after an unexpected exit (embedded gateway). Off = of-watchdog behaviour. */
  restart: boolean
  /** Called after an unexpected exit when `restart` is off. */
  onExit?: (info: ExitInfo) => void
  /** Give up waiting for the port after this long (the process keeps running). */
  startupTimeoutMs?: number
  /** Runs before each restart (e.g. to move the function to a fresh port). */
  beforeRestart?: () => Promise<void>
  /** Starts the process (in the gateway's sandbox, as a tree of its own). */
  launcher: Launcher
}

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
  /** Spawn failure text (e.g. executable not found). */
  error?: string
  /** Last lines the process wrote to stderr/stdout, for error bodies. */
  lastOutput: string[]
  beforeReady: boolean
}

type State = 'starting' | 'ready' | 'exited' | 'stopped'

const OUTPUT_TAIL = 8

export function describeExit(info: ExitInfo): string {
  if (info.error) return info.error
  if (info.signal) return `killed by signal ${info.signal}`
  return `exit code ${info.code}`
}

export class FunctionProcess extends EventEmitter {
  private child?: ChildProcess
  private state: State = 'starting'
  private readyWaiters: Array<{resolve: () => void; reject: (e: Error) => void}> = []
  private tail: string[] = []
  private restartDelayMs = 0
  private restartTimer?: NodeJS.Timeout
  private readySince = 0
  private probeTimer?: NodeJS.Timeout
  lastExit?: ExitInfo
  /** Increments on each spawn, so a request can tell whether "its" process died. */
  generation = 0

  constructor(private readonly opts: FunctionProcessOptions) {
    super()
  }

  get isReady(): boolean {
    return this.state === 'ready'
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  get stopped(): boolean {
    return this.state === 'stopped'
  }

  start(): void {
    if (this.state === 'stopped') return
    this.state = 'starting'
    this.generation++
    const gen = this.generation
    const {file, args} = splitFprocess(this.opts.fprocess)
    const sink: LogSink = (stream, line) => {
      this.tail.push(line)
      if (this.tail.length > OUTPUT_TAIL) this.tail.shift()
      this.opts.logs(stream, line)
    }
    let child: ChildProcess
    try {
      child = launch(this.opts.launcher, file, args, {cwd: this.opts.cwd, env: this.opts.env, stdio: ['pipe', 'pipe', 'pipe']})
    } catch (err) {
      this.exited(gen, {code: null, signal: null, error: String((err as Error).message), lastOutput: [], beforeReady: true})
      return
    }
    this.child = child
    // The function's stdin stays open and unwritten (some runtimes exit on EOF).
    child.stdin?.on('error', () => {})
    relayLines(child.stdout!, 'stdout', sink, this.opts.logBufferSize)
    relayLines(child.stderr!, 'stderr', sink, this.opts.logBufferSize)
    let spawnError: string | undefined
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = spawnErrorText(err, file, this.opts.cwd, existsSync)
      // a failed start emits no 'exit' (and node sets exitCode to the negative errno meanwhile)
      if (child.pid === undefined) {
        this.exited(gen, {code: null, signal: null, error: spawnError, lastOutput: [...this.tail], beforeReady: true})
      }
    })
    child.on('exit', (code, signal) => {
      this.exited(gen, {
        code,
        signal,
        error: spawnError,
        lastOutput: [...this.tail],
        beforeReady: this.state !== 'ready',
      })
    })
    if (child.pid !== undefined) this.waitForPort(gen)
  }

  private waitForPort(gen: number): void {
    const started = Date.now()
    let delay = 5
    const attempt = () => {
      if (gen !== this.generation || this.state !== 'starting') return
      const sock = net.connect(this.opts.upstream.port, this.opts.upstream.host)
      sock.once('connect', () => {
        sock.destroy()
        if (gen !== this.generation || this.state !== 'starting') return
        this.state = 'ready'
        this.readySince = Date.now()
        const waiters = this.readyWaiters
        this.readyWaiters = []
        for (const w of waiters) w.resolve()
        this.emit('ready')
      })
      sock.once('error', () => {
        sock.destroy()
        if (gen !== this.generation || this.state !== 'starting') return
        const limit = this.opts.startupTimeoutMs
        if (limit !== undefined && Date.now() - started > limit) {
          this.rejectWaiters(new Error(`the function process did not open port ${this.opts.upstream.port} within ${limit} ms`))
        }
        delay = Math.min(delay * 2, 100)
        this.probeTimer = setTimeout(attempt, delay)
      })
    }
    attempt()
  }

  private rejectWaiters(err: Error): void {
    const waiters = this.readyWaiters
    this.readyWaiters = []
    for (const w of waiters) w.reject(err)
  }

  private exited(gen: number, info: ExitInfo): void {
    if (gen !== this.generation) return
    if (this.state === 'exited') return
    const wasStopped = this.state === 'stopped'
    if (this.probeTimer) clearTimeout(this.probeTimer)
    this.child = undefined
    this.lastExit = info
    if (wasStopped) {
      this.emit('exit', info)
      return
    }
    this.state = 'exited'
    const reason = describeExit(info)
    const detail = info.lastOutput.length ? `\n${info.lastOutput.join('\n')}` : ''
    this.rejectWaiters(
      new Error(`the function process ${info.beforeReady ? 'exited before it was ready' : 'exited'} (${reason})${detail}`),
    )
    this.emit('exit', info)
    if (!this.opts.restart) {
      this.opts.onExit?.(info)
      return
    }
    // Back off while it keeps crashing; a process that ran fine for a while restarts at once.
    if (!info.beforeReady && Date.now() - this.readySince > 10_000) this.restartDelayMs = 0
    const delay = this.restartDelayMs
    this.restartDelayMs = Math.min(Math.max(this.restartDelayMs * 2, 200), 5000)
    this.opts.logs('stderr', `function process ${reason}; restarting${delay ? ` in ${delay} ms` : ''}`)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined
      if (this.state !== 'exited') return
      const before = this.opts.beforeRestart?.() ?? Promise.resolve()
      before.catch(() => {}).then(() => {
        if (this.state === 'exited') this.start()
      })
    }, delay)
  }

  /**
   * Resolves once the process accepts connections. Rejects when it exits first, or after
   * `timeoutMs`; a process that already exited without restart rejects at once.
   */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.state === 'ready') return Promise.resolve()
    if (this.state === 'stopped') return Promise.reject(new Error('the function is stopping'))
    if (this.state === 'exited' && !this.opts.restart) {
      return Promise.reject(new Error(`the function process exited (${this.lastExit ? describeExit(this.lastExit) : 'unknown'})`))
    }
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const waiter = {
        resolve: () => {
          if (timer) clearTimeout(timer)
          resolve()
        },
        reject: (e: Error) => {
          if (timer) clearTimeout(timer)
          reject(e)
        },
      }
      this.readyWaiters.push(waiter)
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          const i = this.readyWaiters.indexOf(waiter)
          if (i >= 0) this.readyWaiters.splice(i, 1)
          reject(new Error(`the function process was not ready within ${timeoutMs} ms`))
        }, timeoutMs)
      }
    })
  }

  /**
   * After a proxy error: waits briefly for the exit event (socket resets arrive before it), and
   * returns the exit info if the process that served `generation` died.
   */
  async exitAfterError(generation: number, waitMs = 150): Promise<ExitInfo | undefined> {
    if (generation !== this.generation) return this.lastExit
    if (this.state === 'exited') return this.lastExit
    if (this.state !== 'ready' && this.state !== 'starting') return undefined
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('exit', onExit)
        resolve(undefined)
      }, waitMs)
      const onExit = (info: ExitInfo) => {
        clearTimeout(timer)
        resolve(info)
      }
      this.once('exit', onExit)
    })
  }

  /** SIGTERM to the whole tree, then SIGKILL after `graceMs`. */
  stop(graceMs = 2000): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer)
    if (this.probeTimer) clearTimeout(this.probeTimer)
    const child = this.child
    this.state = 'stopped'
    this.rejectWaiters(new Error('the function is stopping'))
    if (!child) return Promise.resolve()
    return stopTree(child, graceMs)
  }
}
