/**
 * One watchdog instance: the configured mode plus what every mode shares (in-flight counting and
 * the 429 over `max_inflight`, body size limit, health and readiness). The standalone server
 * (`faas watchdog`) and the embedded gateway (one instance per function replica) both drive it.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {type Duplex, Readable} from 'node:stream'
import {decodePath} from './cgi-env.js'
import {DIRECT_LAUNCHER, type Launcher} from '../sandbox/launch.js'
import type {WatchdogConfig} from './config.js'
import {ForkMode} from './fork-modes.js'
import type {ExitInfo} from './function-process.js'
import {HttpMode} from './http-mode.js'
import type {LogSink} from './logs.js'
import {sendText} from './respond.js'
import {StaticMode} from './static-mode.js'
import type {ErrorStyle, RequestContext} from './types.js'

export interface WatchdogOptions {
  config: WatchdogConfig
  /** Environment of the function process (already holding the watchdog variables). */
  env: Record<string, string>
  cwd?: string
  logs: LogSink
  errorStyle?: ErrorStyle
  /** http mode: restart the function process after a crash. */
  restart?: boolean
  onProcessExit?: (info: ExitInfo) => void
  label?: string
  /** http mode: the variable carrying the function's port, so a restart can move it (see HttpModeOptions). */
  portEnv?: string
  /** How function processes are started (default: directly, each as a process tree of its own). */
  launcher?: Launcher
}

export class Watchdog {
  readonly config: WatchdogConfig
  private readonly http?: HttpMode
  private readonly fork?: ForkMode
  private readonly static?: StaticMode
  private readonly errorStyle: ErrorStyle
  private readonly label: string
  private readonly launcher: Launcher
  private drainWaiters: Array<() => void> = []
  inflight = 0
  accepting = true

  constructor(opts: WatchdogOptions) {
    this.config = opts.config
    this.errorStyle = opts.errorStyle ?? 'of-watchdog'
    this.label = opts.label ?? 'function'
    const launcher = opts.launcher ?? DIRECT_LAUNCHER
    this.launcher = launcher
    const common = {config: opts.config, env: opts.env, cwd: opts.cwd, logs: opts.logs, errorStyle: this.errorStyle, label: this.label, launcher}
    switch (opts.config.mode) {
      case 'http':
        this.http = new HttpMode({...common, restart: opts.restart ?? false, onProcessExit: opts.onProcessExit, portEnv: opts.portEnv})
        break
      case 'static':
        this.static = new StaticMode(opts.config.staticPath)
        break
      default:
        this.fork = new ForkMode(common)
    }
  }

  /** Starts the long-running process (http mode); other modes have nothing to start. */
  start(): void {
    this.http?.start()
  }

  /** True once requests can be served right away (http: the function's port is open). */
  get isReady(): boolean {
    return this.http ? this.http.process.isReady : true
  }

  /** Resolves when ready (http mode), rejects if the process failed first. */
  whenReady(timeoutMs: number): Promise<void> {
    return this.http ? this.http.process.whenReady(timeoutMs) : Promise.resolve()
  }

  get pid(): number | undefined {
    return this.http?.process.pid
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const max = this.config.maxInflight
    if (max > 0 && this.inflight >= max) {
      req.resume()
      sendText(
        res,
        429,
        `Concurrent request limit exceeded. Max concurrent requests: ${max}\n`,
        [...(ctx.responseHeaders ?? []), 'X-OpenFaaS-Internal', 'faas-middleware'],
        'text/plain',
      )
      return
    }
    const limit = this.config.maxRequestBodyBytes
    if (limit > 0) {
      const cl = req.headers['content-length']
      if (cl !== undefined && Number(cl) > limit) {
        tooLarge(req, res, ctx, limit)
        return
      }
      if (cl === undefined && req.headers['transfer-encoding'] !== undefined) limitChunkedBody(req, res, ctx, limit)
    }
    this.inflight++
    let counted = true
    res.once('close', () => {
      if (!counted) return
      counted = false
      this.inflight--
      if (this.inflight === 0 && this.drainWaiters.length) {
        const w = this.drainWaiters
        this.drainWaiters = []
        for (const f of w) f()
      }
    })
    if (this.http) this.http.handle(req, res, ctx)
    else if (this.fork) this.fork.handle(req, res, ctx)
    else this.static!.handle(req, res, ctx)
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.http) this.http.upgrade(req, socket, head)
    else socket.destroy()
  }

  /**
   * `/_/ready` after the health check passed: 429 while full, the function's answer to
   * `ready_path`, else 200.
   */
  async readiness(headers: string[]): Promise<number> {
    if (this.config.maxInflight > 0 && this.inflight >= this.config.maxInflight) return 429
    if (this.http && !this.http.process.isReady) return 503
    if (this.config.readyPath) {
      if (this.http) return this.http.probeReady(this.config.readyPath, headers)
    }
    return 200
  }

  /**
   * `/_/ready` as of-watchdog answers it once the health check passed: 429 while full; with
   * `ready_path`, whatever the function answers to a GET on that path (status, headers and body,
   * outside the in-flight count); else an empty 200.
   */
  serveReady(req: IncomingMessage, res: ServerResponse): void {
    req.resume()
    if (this.config.maxInflight > 0 && this.inflight >= this.config.maxInflight) {
      sendText(res, 429, '', [], '')
      return
    }
    const readyPath = this.config.readyPath
    if (!readyPath) {
      sendText(res, 200, '', [], '')
      return
    }
    const probe = probeRequest(req, readyPath)
    const ctx: RequestContext = {path: readyPath, decodedPath: decodePath(readyPath), query: ''}
    if (this.http) this.http.handle(probe, res, ctx)
    else if (this.fork) this.fork.handle(probe, res, ctx)
    else this.static!.handle(probe, res, ctx)
  }

  /** Waits until no request is in flight, or `timeoutMs` passed. */
  drain(timeoutMs: number): Promise<void> {
    if (this.inflight === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.drainWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Stops the function process (http mode) or the calls in progress (fork modes), with their trees. */
  async stop(graceMs = 2000): Promise<void> {
    this.accepting = false
    this.fork?.stopAll()
    await this.http?.stop(graceMs)
    this.launcher.close()
  }
}

/** A body-less GET for `path` carrying the headers of `req` (the ready_path probe). */
function probeRequest(req: IncomingMessage, path: string): IncomingMessage {
  const probe = new Readable({
    read() {
      this.push(null)
    },
  })
  const headers = {...req.headers}
  delete headers['content-length']
  delete headers['transfer-encoding']
  const rawHeaders: string[] = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const lower = req.rawHeaders[i].toLowerCase()
    if (lower !== 'content-length' && lower !== 'transfer-encoding') rawHeaders.push(req.rawHeaders[i], req.rawHeaders[i + 1])
  }
  Object.assign(probe, {method: 'GET', url: path, headers, rawHeaders, httpVersion: req.httpVersion, socket: req.socket})
  return probe as unknown as IncomingMessage
}

function tooLarge(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, limit: number): void {
  sendText(
    res,
    413,
    `request body too large: the limit is ${limit} bytes\n`,
    [...(ctx.responseHeaders ?? []), 'X-OpenFaaS-Internal', 'of-watchdog', 'Connection', 'close'],
  )
  // Don't read a body we refused; close the connection once the answer is out.
  res.on('finish', () => req.socket.destroy())
}

/** Counts a chunked body as it streams and answers 413 (or cuts the answer) once it passes the limit. */
function limitChunkedBody(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, limit: number): void {
  let size = 0
  req.on('data', (c: Buffer) => {
    size += c.length
    if (size > limit) {
      req.unpipe()
      if (res.headersSent) res.destroy()
      else tooLarge(req, res, ctx, limit)
    }
  })
}
