/**
 * Runs buffered fork-per-call jobs (classic and serializing modes) in small helper processes.
 *
 * Why: starting a process blocks the calling thread until the child has exec'd, and fork()
 * costs in proportion to the parent's memory. From a busy gateway (100 MB and more) that caps
 * every fork-mode function at a few hundred calls per second and stalls all other traffic
 * meanwhile. A couple of fresh, small node processes fork about twice as fast and in parallel,
 * off the gateway's event loop. (Worker threads were tried: they share the big address space,
 * so each fork stays as slow.) Helpers start on first use and exit after a minute idle, or when
 * the gateway goes away. Streaming mode pipes live data and stays on the main thread. If a
 * helper can't start, jobs run on the calling thread.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import os from 'node:os'

export interface SpawnJob {
  /** What to spawn (the launcher's command: bubblewrap in front of the function when sandboxed). */
  file: string
  args: string[]
  env: Record<string, string>
  cwd?: string
  input: Buffer
  /** SIGKILL after this long (0 = never). */
  timeoutMs: number
  /** stderr goes into stdout (classic combine_output). */
  mergeStderr: boolean
  /** The output kept at most (stdout and stderr together); past it the process is killed. */
  maxOutputBytes: number
}

export interface SpawnResult {
  /** Go's text for a failed start (`exec: "x": executable file not found in $PATH`). */
  spawnError?: string
  /** Go's text for a failed stdin write (`write |1: broken pipe`). */
  stdinError?: string
  code: number | null
  signal: string | null
  timedOut: boolean
  /** The output passed maxOutputBytes: the process was killed and its output dropped. */
  overflow: boolean
  stdout: Buffer
  stderr: Buffer
}

export interface RunningJob {
  result: Promise<SpawnResult>
  kill(): void
}

/**
 * Go's text for a failed start (`exec: "x": executable file not found in $PATH`); node reports
 * a missing working directory as ENOENT too, which deserves its own message. Self-contained
 * (see runJob).
 */
export function spawnErrorText(err: NodeJS.ErrnoException, file: string, cwd: string | undefined, dirExists: (p: string) => boolean): string {
  if (err.code === 'ENOENT' && cwd && !dirExists(cwd)) return `the function's working directory does not exist (was its build removed?)`
  return err.code === 'ENOENT' ? `exec: "${file}": executable file not found in $PATH` : err.message
}

/**
 * Runs one buffered job: the process leads a process group of its own, so a timeout, a kill or
 * its own exit take everything it started with it (a `sleep` left behind would otherwise hold its
 * output open, and outlive the call). Output beyond `maxOutputBytes` kills it.
 *
 * Self-contained — it uses only its arguments and globals — because the helper processes run its
 * source text (`runJob.toString()`), so the helpers and the fallback share one implementation.
 */
function runJob(
  job: SpawnJob,
  spawnFn: typeof spawn,
  dirExists: (p: string) => boolean,
  errorText: typeof spawnErrorText,
  done: (r: SpawnResult) => void,
): () => void {
  const out: Buffer[] = []
  const err: Buffer[] = []
  let size = 0
  let spawnError: string | undefined
  let stdinError: string | undefined
  let timedOut = false
  let overflow = false
  let timer: NodeJS.Timeout | undefined
  let child: ChildProcess
  try {
    child = spawnFn(job.file, job.args, {env: job.env, cwd: job.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true})
  } catch (e) {
    done({spawnError: (e as Error).message, code: null, signal: null, timedOut: false, overflow: false, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0)})
    return () => {}
  }
  const killTree = () => {
    const pid = child.pid
    if (!pid) return
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
  }
  const collect = (list: Buffer[], c: Buffer) => {
    if (overflow) return
    size += c.length
    if (size > job.maxOutputBytes) {
      overflow = true
      out.length = 0
      err.length = 0
      killTree()
      return
    }
    list.push(c)
  }
  child.on('error', (e: NodeJS.ErrnoException) => {
    spawnError = errorText(e, job.file, job.cwd, dirExists)
  })
  child.stdin!.on('error', (e: NodeJS.ErrnoException) => {
    // Go writes nothing for an empty body, so a child that never reads it cannot break the pipe
    if (job.input.length === 0) return
    stdinError = e.code === 'EPIPE' ? 'write |1: broken pipe' : e.message
  })
  child.stdout!.on('data', (c: Buffer) => collect(out, c))
  child.stderr!.on('data', (c: Buffer) => collect(job.mergeStderr ? out : err, c))
  child.on('exit', killTree)
  if (job.timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true
      killTree()
    }, job.timeoutMs)
  }
  child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
    if (timer) clearTimeout(timer)
    done({spawnError, stdinError, code, signal, timedOut, overflow, stdout: Buffer.concat(out), stderr: Buffer.concat(err)})
  })
  child.stdin!.end(job.input)
  return killTree
}

// The helper's code (run with `node -e`, so it needs no file of its own in the bundle).
const HELPER_SOURCE = `
const {spawn} = require('node:child_process')
const {existsSync} = require('node:fs')
const errorText = ${spawnErrorText.toString()}
const runJob = ${runJob.toString()}
const running = new Map()
process.on('disconnect', () => {
  for (const kill of running.values()) kill()
  process.exit(0)
})
process.on('message', (m) => {
  if (m.kill !== undefined) {
    running.get(m.kill)?.()
    return
  }
  const {id, ...job} = m
  const kill = runJob(job, spawn, existsSync, errorText, (r) => {
    running.delete(id)
    process.send({id, ...r})
  })
  running.set(id, kill)
})
`

interface Helper {
  proc: ChildProcess
  pending: Set<number>
}

type Callback = (r: SpawnResult) => void

function toBuffer(u: Uint8Array | undefined): Buffer {
  if (!u) return Buffer.alloc(0)
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

const IDLE_EXIT_MS = 60_000

export interface SpawnPoolOptions {
  /** Helpers at most (default: 2 to 4, by the number of CPUs). */
  size?: number
  /**
   * How node is started for a helper (default: this node). A sandboxed function's pool starts its
   * helpers inside its sandbox, so a call costs a plain spawn there and shares the replica's /tmp,
   * as calls share a container in OpenFaaS.
   */
  node?: {file: string; args: string[]; cwd?: string}
  /** A job as it runs on the calling thread when no helper can take it (the sandbox wraps it). */
  fallback?: (job: SpawnJob) => SpawnJob
  /** A reason to fail the job at once instead of running it (e.g. its folder is gone). */
  precheck?: (job: SpawnJob) => string | undefined
}

const HELPER_NODE_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=64']

export class SpawnPool {
  private helpers: Helper[] = []
  private readonly callbacks = new Map<number, Callback>()
  private nextId = 1
  private broken = false
  private idleTimer?: NodeJS.Timeout
  private rr = 0
  private readonly size: number

  constructor(private readonly options: SpawnPoolOptions = {}) {
    this.size = options.size ?? Math.max(2, Math.min(4, os.availableParallelism?.() ?? os.cpus().length))
  }

  private startHelper(): Helper | undefined {
    try {
      const node = this.options.node ?? {file: process.execPath, args: []}
      const proc = spawn(node.file, [...node.args, ...HELPER_NODE_FLAGS, '-e', HELPER_SOURCE], {
        cwd: node.cwd,
        env: {PATH: process.env.PATH ?? ''},
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
      })
      const helper: Helper = {proc, pending: new Set()}
      proc.on('message', (m: SpawnResult & {id: number}) => {
        const cb = this.callbacks.get(m.id)
        if (!cb) return
        this.callbacks.delete(m.id)
        helper.pending.delete(m.id)
        cb({...m, stdout: toBuffer(m.stdout), stderr: toBuffer(m.stderr)})
        this.maybeIdle()
      })
      proc.on('error', () => this.drop(helper))
      proc.on('exit', () => this.drop(helper))
      // The helpers never keep the gateway alive on their own.
      proc.unref()
      ;(proc.channel as {unref?: () => void} | undefined)?.unref?.()
      this.helpers.push(helper)
      return helper
    } catch {
      this.broken = true
      return undefined
    }
  }

  private pick(): Helper | undefined {
    if (this.broken) return undefined
    if (this.helpers.length < this.size) {
      // Start helpers as load comes in: an idle helper is used first.
      const idle = this.helpers.find((h) => h.pending.size === 0)
      if (idle) return idle
      return this.startHelper()
    }
    let best = this.helpers[this.rr++ % this.helpers.length]
    for (const h of this.helpers) if (h.pending.size < best.pending.size) best = h
    return best
  }

  private drop(helper: Helper): void {
    const i = this.helpers.indexOf(helper)
    if (i >= 0) this.helpers.splice(i, 1)
    for (const id of helper.pending) {
      const cb = this.callbacks.get(id)
      this.callbacks.delete(id)
      cb?.({spawnError: 'the process starter stopped unexpectedly', code: null, signal: null, timedOut: false, overflow: false, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0)})
    }
    helper.pending.clear()
  }

  private maybeIdle(): void {
    if (this.callbacks.size > 0) return
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.callbacks.size === 0) void this.close()
    }, IDLE_EXIT_MS)
    this.idleTimer.unref()
  }

  run(job: SpawnJob): RunningJob {
    const refused = this.options.precheck?.(job)
    if (refused !== undefined) {
      return {result: Promise.resolve({spawnError: refused, code: null, signal: null, timedOut: false, overflow: false, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0)}), kill: () => {}}
    }
    const fallback = () => runHere(this.options.fallback ? this.options.fallback(job) : job)
    const helper = this.pick()
    if (!helper || !helper.proc.connected) return fallback()
    const id = this.nextId++
    const result = new Promise<SpawnResult>((resolve) => this.callbacks.set(id, resolve))
    helper.pending.add(id)
    helper.proc.send({id, ...job}, (err) => {
      if (!err) return
      const cb = this.callbacks.get(id)
      this.callbacks.delete(id)
      helper.pending.delete(id)
      // Could not hand it over: run it here instead.
      if (cb) void fallback().result.then(cb)
    })
    return {
      result,
      kill: () => {
        if (this.callbacks.has(id) && helper.proc.connected) helper.proc.send({kill: id}, () => {})
      },
    }
  }

  /** Stops the helpers (they also stop by themselves when this process goes away). */
  async close(): Promise<void> {
    const helpers = this.helpers
    this.helpers = []
    for (const h of helpers) {
      if (h.proc.connected) h.proc.disconnect()
      this.drop(h)
    }
  }
}

/** The same job on the calling thread (fallback, and for tests). */
export function runHere(job: SpawnJob): RunningJob {
  let kill: () => void = () => {}
  const result = new Promise<SpawnResult>((resolve) => {
    kill = runJob(job, spawn, existsSync, spawnErrorText, resolve)
  })
  return {result, kill: () => kill()}
}

let shared: SpawnPool | undefined

/** `FAAS_SPAWN_HELPERS=0` runs jobs on the calling thread; a number sets the helpers per pool. */
export function spawnHelpersSetting(): number | undefined {
  return process.env.FAAS_SPAWN_HELPERS === undefined ? undefined : Number(process.env.FAAS_SPAWN_HELPERS)
}

/** The pool of unconfined processes: one per process, created on first use. */
export function sharedSpawnPool(): SpawnPool | undefined {
  const setting = spawnHelpersSetting()
  if (setting === 0) return undefined
  shared ??= new SpawnPool(setting !== undefined && Number.isInteger(setting) && setting > 0 ? {size: setting} : {})
  return shared
}
