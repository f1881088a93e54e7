/**
 * The fork-per-request modes (spec §1.2, §1.3, §1.5): every request starts the function process
 * with the request in `Http_*` variables and the body on stdin; stdout is the answer.
 *  - streaming:   body piped in as it arrives, stdout streamed out, status always 200;
 *  - serializing: body and output buffered, 500 with the Go error text on failure;
 *  - classic:     the classic watchdog: 500 with error + output, 408 on exec_timeout.
 */
import type {ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {formatDuration, formatSeconds} from '../duration.js'
import {canonicalHeaderName, cgiEnvironment, parsedContentLength} from './cgi-env.js'
import {splitFprocess, type WatchdogConfig} from './config.js'
import {type LogSink, relayLines} from './logs.js'
import {sendText} from './respond.js'
import {detectContentType} from './sniff.js'
import {launch, type Launcher} from '../sandbox/launch.js'
import {signalTree} from '../sandbox/process-tree.js'
import {runHere, spawnErrorText, type SpawnJob, type SpawnResult} from '../sandbox/spawn-pool.js'
import type {ErrorStyle, RequestContext} from './types.js'

export interface ForkModeOptions {
  config: WatchdogConfig
  env: Record<string, string>
  cwd?: string
  logs: LogSink
  errorStyle: ErrorStyle
  label: string
  launcher: Launcher
}

const CLASSIC_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])

interface Spawned {
  child?: ChildProcess
  /** Go's error text for a failed start. */
  spawnError?: Promise<string | undefined>
}

export class ForkMode {
  private readonly file: string
  private readonly args: string[]
  /** How to stop each call in progress (for stopAll). */
  private readonly running = new Set<() => void>()

  constructor(private readonly opts: ForkModeOptions) {
    const {file, args} = splitFprocess(opts.config.fprocess)
    this.file = file
    this.args = args
  }

  /** Stops every call in progress with its whole process tree (the replica is going away). */
  stopAll(): void {
    for (const kill of this.running) kill()
    this.running.clear()
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    switch (this.opts.config.mode) {
      case 'streaming':
        this.streaming(req, res, ctx)
        return
      case 'serializing':
        this.serializing(req, res, ctx)
        return
      default:
        this.classic(req, res, ctx)
    }
  }

  private environment(req: IncomingMessage, ctx: RequestContext, flavour: 'of-watchdog' | 'classic'): Record<string, string> {
    const raw = ctx.requestHeaders ? [...req.rawHeaders, ...ctx.requestHeaders] : req.rawHeaders
    if (flavour === 'classic' && !this.opts.config.cgiHeaders) return this.opts.env
    const cgi = cgiEnvironment(
      {
        method: req.method ?? 'GET',
        rawHeaders: raw,
        path: ctx.decodedPath,
        query: ctx.query,
        host: req.headers.host,
        contentLength: parsedContentLength(req.rawHeaders),
      },
      flavour,
    )
    return {...this.opts.env, ...cgi}
  }

  private spawnChild(env: Record<string, string>): Spawned {
    let child: ChildProcess
    try {
      child = launch(this.opts.launcher, this.file, this.args, {cwd: this.opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    } catch (err) {
      return {spawnError: Promise.resolve((err as Error).message)}
    }
    const spawnError = new Promise<string | undefined>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        resolve(spawnErrorText(err, this.file, this.opts.cwd, existsSync))
      })
      child.once('spawn', () => resolve(undefined))
    })
    child.stdin!.on('error', () => {})
    return {child, spawnError}
  }

  private killTimer(child: ChildProcess | undefined, onKill: () => void): NodeJS.Timeout | undefined {
    const ms = this.opts.config.execTimeoutMs
    if (!child || ms <= 0) return undefined
    return setTimeout(() => {
      onKill()
      signalTree(child.pid, 'SIGKILL')
    }, ms)
  }

  private streaming(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const {child, spawnError} = this.spawnChild(this.environment(req, ctx, 'of-watchdog'))
    const headers = [...(ctx.responseHeaders ?? []), 'Content-Type', this.opts.config.contentType ?? 'application/octet-stream']
    res.writeHead(200, headers)
    if (!child) {
      void spawnError!.then((e) => this.opts.logs('stderr', `error starting function process: ${e}`))
      res.end()
      return
    }
    void spawnError!.then((e) => {
      if (e) this.opts.logs('stderr', `error starting function process: ${e}`)
    })
    relayLines(child.stderr!, 'stderr', this.opts.logs, this.opts.config.logBufferSize)
    const timer = this.killTimer(child, () => this.opts.logs('stderr', `function process killed after exec_timeout (${formatDuration(this.opts.config.execTimeoutMs)})`))
    req.pipe(child.stdin!)
    child.stdout!.pipe(res)
    const kill = () => signalTree(child.pid, 'SIGKILL')
    this.running.add(kill)
    child.on('close', (code, signal) => {
      this.running.delete(kill)
      if (timer) clearTimeout(timer)
      if (code !== 0 && code !== null) this.opts.logs('stderr', `function process exit status ${code}`)
      else if (signal) this.opts.logs('stderr', `function process signal: ${signalText(signal)}`)
      if (!res.writableEnded) res.end()
    })
    res.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) kill()
    })
  }

  private runBuffered(env: Record<string, string>, input: Buffer, mergeStderr: boolean, res: ServerResponse): Promise<SpawnResult> {
    const launcher = this.opts.launcher
    const job: SpawnJob = {
      file: this.file,
      args: this.args,
      env,
      cwd: this.opts.cwd,
      input,
      timeoutMs: this.opts.config.execTimeoutMs,
      mergeStderr,
      maxOutputBytes: this.opts.config.maxBufferedOutputBytes,
    }
    // a pool's helpers run in the launcher's confinement already; on this thread, the launcher wraps it
    const pool = launcher.pool()
    const running = pool ? pool.run(job) : runHere({...job, ...launcher.command(job.file, job.args, env)})
    const kill = () => running.kill()
    this.running.add(kill)
    // The caller went away: don't let the function run on for nobody.
    res.on('close', () => {
      if (!res.writableFinished) kill()
    })
    return running.result.finally(() => this.running.delete(kill))
  }

  private overflowText(): string {
    const limit = this.opts.config.maxBufferedOutputBytes
    return `function output exceeded ${limit} bytes, the most the ${this.opts.config.mode} mode buffers; the process was stopped (use mode=streaming or http for larger answers)`
  }

  private logStderr(stderr: Buffer): void {
    if (stderr.length === 0) return
    for (const line of stderr.toString('utf8').split('\n')) if (line) this.opts.logs('stderr', line)
  }

  private serializing(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const started = performance.now()
    const env = this.environment(req, ctx, 'of-watchdog')
    const cap = parsedContentLength(req.rawHeaders)
    readBody(req, cap > 0 ? cap : Number.POSITIVE_INFINITY, async (body) => {
      const r = await this.runBuffered(env, body, false, res)
      this.logStderr(r.stderr)
      const headers = [...(ctx.responseHeaders ?? []), 'X-Duration-Seconds', formatSeconds(performance.now() - started)]
      let failure: string | undefined
      if (r.overflow) failure = this.overflowText()
      else if (r.spawnError) failure = r.spawnError
      else if (r.code !== 0) failure = r.signal ? `signal: ${signalText(r.signal as NodeJS.Signals)}` : `exit status ${r.code}`
      else if (r.stdinError) failure = r.stdinError
      // of-watchdog names every answer content_type, failures included
      const type = this.opts.config.contentType ?? 'application/octet-stream'
      if (failure) {
        this.opts.logs('stderr', `function process failed: ${failure}`)
        sendText(res, 500, failure, headers, type)
        return
      }
      sendText(res, 200, r.stdout, headers, type)
    })
  }

  private classic(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    const started = performance.now()
    if (!CLASSIC_METHODS.has(req.method ?? '')) {
      req.resume()
      sendText(res, 405, '', ctx.responseHeaders, '')
      return
    }
    const cfg = this.opts.config
    const env = this.environment(req, ctx, 'classic')
    readBody(req, Number.POSITIVE_INFINITY, async (body, error) => {
      if (error) {
        sendText(res, 400, `${error}\n`, ctx.responseHeaders)
        return
      }
      const input = cfg.marshalRequest ? Buffer.from(marshalRequest(req.rawHeaders, body)) : body
      const r = await this.runBuffered(env, input, cfg.combineOutput, res)
      this.logStderr(r.stderr)
      // Failures carry no X-Duration-Seconds and a sniffed type, as in the classic watchdog.
      const plain = ctx.responseHeaders ?? []
      const failed = (status: number, body: Buffer) => sendText(res, status, body, plain, body.length ? detectContentType(body) : '')
      if (r.timedOut) {
        this.opts.logs('stderr', `Killed process: ${this.file} after exec_timeout`)
        failed(408, Buffer.from('Killed process.\n'))
        return
      }
      if (r.overflow) {
        this.opts.logs('stderr', this.overflowText())
        failed(500, Buffer.from(`${this.overflowText()}\n`))
        return
      }
      if (r.spawnError) {
        failed(500, Buffer.from(`${r.spawnError}\n`))
        return
      }
      if (r.code !== 0) {
        const text = r.signal ? `signal: ${signalText(r.signal as NodeJS.Signals)}` : `exit status ${r.code}`
        failed(500, Buffer.concat([Buffer.from(`${text}\n`), r.stdout]))
        return
      }
      const headers = [...plain, 'X-Duration-Seconds', formatSeconds(performance.now() - started)]
      // content_type, else the request's type, else (for a non-empty answer) a sniffed one
      const ct = cfg.contentType ?? req.headers['content-type'] ?? (r.stdout.length ? detectContentType(r.stdout) : '')
      sendText(res, 200, r.stdout, headers, ct)
    })
  }
}

/** Go's names for the signals a function is usually killed with. */
function signalText(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted', SIGPIPE: 'broken pipe', SIGHUP: 'hangup', SIGQUIT: 'quit',
  }
  return names[signal] ?? signal
}

function readBody(req: IncomingMessage, cap: number, done: (body: Buffer, error?: string) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (c: Buffer) => {
    if (size >= cap) return
    if (size + c.length > cap) c = c.subarray(0, cap - size)
    size += c.length
    chunks.push(c)
  })
  req.on('end', () => done(Buffer.concat(chunks, size)))
  req.on('error', (err) => done(Buffer.alloc(0), err.message))
}

/**
 * `marshal_request=true`: `{"header":{"Canonical-Name":["v"]},"body":{"raw":"<base64>"}}`, written
 * as Go's encoding/json writes it: header names sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped.
 * Like Go's request header map it holds neither Host nor Transfer-Encoding.
 */
export function marshalRequest(rawHeaders: string[], body: Buffer): string {
  const header: Record<string, string[]> = Object.create(null)
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = canonicalHeaderName(rawHeaders[i])
    if (name === 'Host' || name === 'Transfer-Encoding') continue
    ;(header[name] ??= []).push(rawHeaders[i + 1])
  }
  const sorted: Record<string, string[]> = {}
  for (const k of Object.keys(header).sort()) sorted[k] = header[k]
  return goJson({header: sorted, body: {raw: body.toString('base64')}})
}

/** JSON.stringify with encoding/json's HTML-safe escapes. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}
