/**
 * mode=http: one long-running function server behind a reverse proxy (spec §1.1). Requests and
 * responses stream through without buffering; keep-alive connections to the function are reused.
 */
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import net from 'node:net'
import type {Duplex} from 'node:stream'
import {freeLoopbackPort} from '../../util/ports.js'
import {parseGoDuration} from '../../util/duration.js'
import {formatDuration, formatSeconds} from '../duration.js'
import type {Launcher} from '../sandbox/launch.js'
import type {WatchdogConfig} from './config.js'
import {describeExit, type ExitInfo, FunctionProcess} from './function-process.js'
import type {LogSink} from './logs.js'
import {forwardableHeaders, hasHeader, sendText} from './respond.js'
import {detectContentType} from './sniff.js'
import type {ErrorStyle, RequestContext} from './types.js'

export interface HttpModeOptions {
  config: WatchdogConfig
  env: Record<string, string>
  cwd?: string
  logs: LogSink
  errorStyle: ErrorStyle
  /** Restart the process after a crash (embedded gateway). */
  restart: boolean
  onProcessExit?: (info: ExitInfo) => void
  /** Name used in error bodies, e.g. `hello.openfaas-fn`. */
  label: string
  /**
   * The variable that tells the function its port (the gateway picked a free one). Set, a
   * restarted process gets a fresh port, so a port taken meanwhile can't cause a crash loop.
   */
  portEnv?: string
  launcher: Launcher
}

/** How long a request waits for a (re)starting function when no exec_timeout applies. */
const DEFAULT_START_WAIT_MS = 60_000

export class HttpMode {
  readonly process: FunctionProcess
  private readonly agent: http.Agent
  private readonly upstreamHost: string
  private upstreamPort: number
  private readonly basePath: string
  private exitedCleanly = false

  constructor(private readonly opts: HttpModeOptions) {
    const url = new URL(opts.config.upstreamUrl!)
    this.upstreamHost = url.hostname.replace(/^\[|\]$/g, '')
    this.upstreamPort = Number(url.port || 80)
    this.basePath = url.pathname.replace(/\/$/, '')
    this.agent = new http.Agent({keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024, scheduling: 'lifo'})
    const upstream = {host: this.upstreamHost, port: this.upstreamPort}
    const portEnv = opts.portEnv
    this.process = new FunctionProcess({
      fprocess: opts.config.fprocess,
      env: opts.env,
      cwd: opts.cwd,
      upstream,
      launcher: opts.launcher,
      beforeRestart: portEnv
        ? async () => {
            const port = await freeLoopbackPort()
            opts.env[portEnv] = String(port)
            opts.env.upstream_url = `http://${this.upstreamHost}:${port}`
            upstream.port = port
            this.upstreamPort = port
          }
        : undefined,
      logs: opts.logs,
      logBufferSize: opts.config.logBufferSize,
      restart: opts.restart,
      onExit: (info) => {
        if (info.code === 0 && !info.signal && !info.error) this.exitedCleanly = true
        opts.onProcessExit?.(info)
      },
    })
    // Sockets to a dead process are useless; drop them so the next request dials the new one.
    this.process.on('exit', () => this.agent.destroy())
  }

  start(): void {
    this.process.start()
  }

  async stop(graceMs: number): Promise<void> {
    await this.process.stop(graceMs)
    this.agent.destroy()
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const started = performance.now()
    const cfg = this.opts.config
    let deadlineMs = cfg.execTimeoutMs
    const xTimeout = req.headers['x-timeout']
    if (deadlineMs > 0 && typeof xTimeout === 'string') {
      const t = parseGoDuration(xTimeout.trim())
      if (t !== undefined && t > 0 && t < deadlineMs) deadlineMs = t
    }
    const accept = req.headers.accept?.toLowerCase()
    const streaming =
      (accept !== undefined && (accept.includes('text/event-stream') || accept.includes('application/x-ndjson'))) ||
      req.headers.upgrade === 'websocket'
    if (streaming) deadlineMs = 0
    // of-watchdog does not wait for the function: until it listens, calls fail at once (500).
    if (this.process.isReady || this.opts.errorStyle === 'of-watchdog') {
      this.forward(req, res, ctx, started, deadlineMs, streaming)
      return
    }
    if (this.exitedCleanly) {
      this.fail(res, ctx, started, 500, 'the function process exited (exit code 0)')
      return
    }
    const wait = deadlineMs > 0 ? deadlineMs : DEFAULT_START_WAIT_MS
    this.process.whenReady(wait).then(
      () => {
        if (res.writableEnded || res.destroyed) return
        const left = deadlineMs > 0 ? deadlineMs - (performance.now() - started) : 0
        if (deadlineMs > 0 && left <= 0) {
          this.timedOut(res, ctx, started)
          return
        }
        this.forward(req, res, ctx, started, deadlineMs > 0 ? left : 0, streaming)
      },
      (err: Error) => {
        const timeout = err.message.includes('not ready within')
        if (timeout && deadlineMs > 0) this.timedOut(res, ctx, started)
        else this.fail(res, ctx, started, 502, err.message)
      },
    )
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    started: number,
    deadlineMs: number,
    streaming: boolean,
  ): void {
    const generation = this.process.generation
    const headers = forwardableHeaders(req.rawHeaders, ctx.requestHeaders)
    const upReq = http.request({
      agent: this.agent,
      host: this.upstreamHost,
      port: this.upstreamPort,
      method: req.method,
      path: this.basePath + ctx.path,
      headers,
    })
    let timer: NodeJS.Timeout | undefined
    let gotHeaders = false
    let done = false
    const finish = () => {
      done = true
      if (timer) clearTimeout(timer)
    }
    if (deadlineMs > 0) {
      timer = setTimeout(() => {
        timer = undefined
        if (done) return
        done = true
        upReq.destroy()
        if (gotHeaders) res.destroy()
        else this.timedOut(res, ctx, started)
      }, deadlineMs)
    }
    upReq.on('response', (upRes) => {
      gotHeaders = true
      if (done) {
        upRes.resume()
        return
      }
      const out = forwardableHeaders(upRes.rawHeaders, ctx.responseHeaders)
      if (!streaming) out.push('X-Duration-Seconds', formatSeconds(performance.now() - started))
      const status = upRes.statusCode ?? 502
      upRes.on('end', finish)
      upRes.on('error', () => {
        finish()
        res.destroy()
      })
      if (!hasHeader(upRes.rawHeaders, 'content-type')) {
        if (ctx.defaultContentType !== undefined) out.push('Content-Type', ctx.defaultContentType)
        else if (!streaming && req.method !== 'HEAD' && bodyAllowed(status) && !hasHeader(upRes.rawHeaders, 'content-encoding')) {
          // Go's server names an untyped body by sniffing its first bytes; so do we.
          sniffThenPipe(upRes, res, status, out)
          return
        }
      }
      res.writeHead(status, out)
      if (streaming) res.flushHeaders()
      upRes.pipe(res)
    })
    upReq.on('error', (err: NodeJS.ErrnoException) => {
      if (done) return
      finish()
      if (gotHeaders || res.headersSent) {
        res.destroy()
        return
      }
      if (streaming && this.opts.errorStyle === 'of-watchdog') {
        // of-watchdog's streaming proxy swallows the error: an empty 200.
        res.writeHead(200, [...(ctx.responseHeaders ?? []), 'Content-Length', '0'])
        res.end()
        return
      }
      this.upstreamFailed(res, ctx, started, generation, err)
    })
    res.on('close', () => {
      // The caller left before the function answered: tell the function too.
      if (!res.writableFinished && !done) {
        finish()
        upReq.destroy()
      }
    })
    const h = req.headers
    if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) {
      // No body (most GETs): send the request at once, in one write with its headers.
      req.resume()
      upReq.end()
    } else if (this.opts.config.bufferHttp) {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => upReq.end(Buffer.concat(chunks)))
    } else {
      req.pipe(upReq)
    }
  }

  private upstreamFailed(
    res: ServerResponse,
    ctx: RequestContext,
    started: number,
    generation: number,
    err: NodeJS.ErrnoException,
  ): void {
    if (this.opts.errorStyle === 'of-watchdog') {
      // refused (nothing listens yet, or any more) or reset (the function died under the call)
      this.fail(res, ctx, started, 500, '')
      return
    }
    void this.process.exitAfterError(generation).then((exit) => {
      if (exit) {
        // one sentence per part: clients (faas invoke) show the body on one line
        const output = exit.lastOutput.length ? `\nLast output:\n${exit.lastOutput.join('\n')}` : ''
        const restarting = this.opts.restart ? '; it is being restarted.' : '.'
        this.fail(res, ctx, started, 502,
          `function ${this.opts.label} crashed while handling the request (${describeExit(exit)})${restarting}${output}`)
      } else {
        this.fail(res, ctx, started, 502,
          `could not reach function ${this.opts.label}: ${err.code ?? err.message}`)
      }
    })
  }

  private timedOut(res: ServerResponse, ctx: RequestContext, started: number): void {
    const body = this.opts.errorStyle === 'of-watchdog' ? '' : `function ${this.opts.label} did not answer within exec_timeout (${formatDuration(this.opts.config.execTimeoutMs)})\n`
    this.fail(res, ctx, started, 504, body, true)
  }

  private fail(res: ServerResponse, ctx: RequestContext, started: number, status: number, body: string, watchdog = false): void {
    if (res.destroyed || res.writableEnded) return
    const headers = [...(ctx.responseHeaders ?? []), 'X-Duration-Seconds', formatSeconds(performance.now() - started)]
    if (watchdog || this.opts.errorStyle === 'of-watchdog') headers.push('X-OpenFaaS-Internal', 'of-watchdog')
    else headers.push('X-OpenFaaS-Internal', 'proxy')
    const text = body === '' || body.endsWith('\n') ? body : body + '\n'
    sendText(res, status, text, headers, text === '' ? '' : 'text/plain; charset=utf-8')
  }

  /** `ready_path`: the function's own answer to a GET on that path. */
  probeReady(path: string, headers: string[]): Promise<number> {
    return new Promise((resolve) => {
      const r = http.request(
        {agent: this.agent, host: this.upstreamHost, port: this.upstreamPort, method: 'GET', path: this.basePath + path, headers: forwardableHeaders(headers)},
        (up) => {
          up.resume()
          resolve(up.statusCode ?? 503)
        },
      )
      r.on('error', () => resolve(503))
      r.end()
    })
  }

  /** WebSocket (or other Upgrade) requests: a raw tunnel to the function, no exec_timeout. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const up = net.connect(this.upstreamPort, this.upstreamHost, () => {
      let text = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) text += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`
      up.write(text + '\r\n')
      if (head.length) up.write(head)
      up.pipe(socket)
      socket.pipe(up)
    })
    up.on('error', () => socket.destroy())
    socket.on('error', () => up.destroy())
  }
}

/** Statuses that carry no body (Go sniffs no type for them). */
function bodyAllowed(status: number): boolean {
  return !(status >= 100 && status < 200) && status !== 204 && status !== 304
}

/**
 * Holds the start of an untyped answer until 512 bytes (or the end) arrived, names it by sniffing
 * as Go's server does, then streams the rest. An empty body gets no type.
 */
function sniffThenPipe(upRes: IncomingMessage, res: ServerResponse, status: number, headers: string[]): void {
  const held: Buffer[] = []
  let size = 0
  let sent = false
  const start = () => {
    sent = true
    upRes.off('data', onData)
    upRes.off('end', onEnd)
    const body = Buffer.concat(held, size)
    if (size > 0) headers.push('Content-Type', detectContentType(body))
    res.writeHead(status, headers)
    if (size > 0) res.write(body)
  }
  const onData = (c: Buffer) => {
    held.push(c)
    size += c.length
    if (size >= 512) {
      start()
      upRes.pipe(res)
    }
  }
  const onEnd = () => {
    if (sent) return
    start()
    res.end()
  }
  upRes.on('data', onData)
  upRes.on('end', onEnd)
}
