/**
 * The standalone watchdog server behind `faas watchdog`: configuration from environment
 * variables, the function on every path except `/_/health` and `/_/ready`, the lock file, and
 * the SIGTERM sequence of of-watchdog (spec §1.0), so it can be a container entrypoint.
 */
import fs from 'node:fs'
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {goLogTimestamp} from '../clock.js'
import {decodePath} from './cgi-env.js'
import {readWatchdogConfig, type WatchdogConfig} from './config.js'
import type {ExitInfo} from './function-process.js'
import type {LogSink} from './logs.js'
import {sendText} from './respond.js'
import type {RequestContext} from './types.js'
import {Watchdog} from './watchdog.js'

export interface WatchdogServerOptions {
  /** Environment to read the configuration from and to give the function (default process.env). */
  env?: Record<string, string | undefined>
  /** Overrides the `port` variable (0 = any free port). */
  port?: number
  host?: string
  /** Directory for the `.lock` file (default $TMPDIR or /tmp). */
  lockDir?: string
  cwd?: string
  /** Where function output goes (default: this process's stdout/stderr). */
  logs?: LogSink
  /** Called when the function process dies in http mode (of-watchdog exits 1 then). */
  onFatal?: (info: ExitInfo) => void
}

export interface WatchdogServer {
  config: WatchdogConfig
  watchdog: Watchdog
  server: http.Server
  url: string
  lockFile: string
  /** The SIGTERM sequence: lock file removed, wait healthcheck_interval, stop accepting, drain, stop. */
  shutdown(opts?: {healthcheckIntervalMs?: number}): Promise<void>
  /** Immediate stop (tests, SIGINT). */
  close(): Promise<void>
}

export function terminalLogSink(prefix: boolean): LogSink {
  return (stream, line) => {
    const text = prefix ? `${goLogTimestamp()} ${stream}: ${line}\n` : `${line}\n`
    if (stream === 'stdout') process.stdout.write(text)
    else process.stderr.write(text)
  }
}

export async function startWatchdogServer(opts: WatchdogServerOptions = {}): Promise<WatchdogServer> {
  const source = opts.env ?? process.env
  const config = readWatchdogConfig(source)
  if (opts.port !== undefined) config.port = opts.port
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(source)) if (v !== undefined) env[k] = v
  const watchdog = new Watchdog({
    config,
    env,
    cwd: opts.cwd,
    logs: opts.logs ?? terminalLogSink(config.prefixLogs),
    errorStyle: 'of-watchdog',
    restart: false,
    onProcessExit: (info) => {
      // An error or signal ends the watchdog (the container restarts); exit 0 leaves it up answering 500.
      if (info.code !== 0 || info.signal || info.error) opts.onFatal?.(info)
    },
  })
  const lockFile = path.join(opts.lockDir ?? (process.env.TMPDIR || os.tmpdir() || '/tmp'), '.lock')
  let accepting = false

  const healthy = () => accepting && watchdog.accepting && (config.suppressLock || fs.existsSync(lockFile))

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const rawPath = q === -1 ? url : url.slice(0, q)
    if (rawPath === '/_/health' || (rawPath === '/_/ready' && config.mode !== 'classic')) {
      req.resume()
      if (req.method !== 'GET') {
        sendText(res, 405, '', [], '')
        return
      }
      if (!healthy()) {
        sendText(res, 503, '', [], '')
        return
      }
      if (rawPath === '/_/health') {
        sendText(res, 200, 'OK', [], 'text/plain; charset=utf-8')
        return
      }
      void watchdog.readiness(req.rawHeaders).then((status) => sendText(res, status, '', [], ''))
      return
    }
    const ctx: RequestContext = {path: url, decodedPath: decodePath(rawPath), query: q === -1 ? '' : url.slice(q + 1)}
    // write_timeout: from the end of the request headers to the end of the response.
    const timer = setTimeout(() => res.destroy(), config.writeTimeoutMs)
    res.once('close', () => clearTimeout(timer))
    watchdog.handle(req, res, ctx)
  }

  const server = http.createServer({keepAliveTimeout: 65_000}, handler)
  if (config.readTimeoutMs > 0) {
    server.requestTimeout = config.readTimeoutMs
    server.headersTimeout = Math.min(config.readTimeoutMs, 60_000)
  }
  server.on('upgrade', (req, socket, head) => watchdog.upgrade(req, socket, head))
  watchdog.start()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      resolve()
    })
  })
  if (!config.suppressLock) {
    try {
      fs.writeFileSync(lockFile, '')
    } catch (err) {
      server.close()
      await watchdog.stop()
      throw new Error(`cannot write lock file ${lockFile}: ${(err as Error).message}`)
    }
  }
  accepting = true
  const addr = server.address() as {port: number}
  const shownHost = !opts.host || opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host

  const close = async () => {
    accepting = false
    fs.rmSync(lockFile, {force: true})
    await Promise.all([
      new Promise<void>((r) => {
        server.close(() => r())
        server.closeAllConnections()
      }),
      watchdog.stop(),
    ])
  }

  return {
    config,
    watchdog,
    server,
    url: `http://${shownHost}:${addr.port}`,
    lockFile,
    close,
    async shutdown(o = {}) {
      fs.rmSync(lockFile, {force: true})
      await new Promise((r) => setTimeout(r, o.healthcheckIntervalMs ?? config.healthcheckIntervalMs))
      accepting = false
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeIdleConnections()
      await watchdog.drain(config.writeTimeoutMs)
      server.closeAllConnections()
      await closed
      await watchdog.stop()
    },
  }
}
