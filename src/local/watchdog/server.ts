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
import {cleanPath, decodePath, goEscapePath} from './cgi-env.js'
import {readWatchdogConfig, type WatchdogConfig} from './config.js'
import {WatchdogMetrics} from './metrics.js'
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
  /** Overrides the `metrics_port` variable (0 = any free port; null = no metrics server). */
  metricsPort?: number | null
  /** Where warnings go (default: stderr with a Go log timestamp). */
  warn?: (text: string) => void
}

export interface WatchdogServer {
  config: WatchdogConfig
  watchdog: Watchdog
  server: http.Server
  url: string
  /** `http://host:port/metrics`, when the metrics server listens. */
  metricsUrl?: string
  metrics: WatchdogMetrics
  lockFile: string
  /** The SIGTERM sequence: lock file removed, wait healthcheck_interval, stop accepting, drain, stop. */
  shutdown(opts?: {healthcheckIntervalMs?: number}): Promise<void>
  /**
   * Stop (tests, SIGINT, a fatal function exit). `graceMs` lets calls in flight finish their
   * answer first (0 = cut them at once).
   */
  close(opts?: {graceMs?: number}): Promise<void>
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

  const metrics = new WatchdogMetrics()
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // Go's server refuses an HTTP/1.1 request without Host before any handler runs.
    if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
      req.resume()
      res.writeHead(400, {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'})
      res.end('400 Bad Request: missing required Host header')
      return
    }
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const rawPath = q === -1 ? url : url.slice(0, q)
    const query = q === -1 ? '' : url.slice(q + 1)
    const decodedPath = decodePath(rawPath)
    // Go's request router answers an unclean path (`//a`, `/a/../b`) with a redirect to the clean one.
    const clean = cleanPath(decodedPath)
    if (clean !== decodedPath && req.method !== 'CONNECT') {
      req.resume()
      redirect(req, res, goEscapePath(clean) + (query ? '?' + query : ''))
      return
    }
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
      watchdog.serveReady(req, res)
      return
    }
    const ctx: RequestContext = {path: url, decodedPath, query}
    const started = metrics.begin()
    // write_timeout: from the end of the request headers to the end of the response.
    const timer = setTimeout(() => res.destroy(), config.writeTimeoutMs)
    res.once('close', () => {
      clearTimeout(timer)
      metrics.end(started, res.statusCode, req.method)
    })
    watchdog.handle(req, res, ctx)
  }

  const server = http.createServer({keepAliveTimeout: 65_000, requireHostHeader: false}, handler)
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
  const warn = opts.warn ?? ((text: string) => process.stderr.write(`${goLogTimestamp()} ${text}\n`))
  let metricsServer: http.Server | undefined
  let metricsUrl: string | undefined
  const metricsPort = opts.metricsPort === undefined ? config.metricsPort : opts.metricsPort
  if (metricsPort !== null) {
    const ms = metrics.server()
    // Go's watchdog dies when its metrics port is taken; a second local watchdog just goes without.
    const listening = await new Promise<boolean>((resolve) => {
      ms.once('error', (err) => {
        warn(`metrics server not started on port ${metricsPort}: ${err.message} (set metrics_port to another port)`)
        resolve(false)
      })
      ms.listen(metricsPort, opts.host ?? '0.0.0.0', () => resolve(true))
    })
    if (listening) {
      metricsServer = ms
      metricsUrl = `http://${shownHost}:${(ms.address() as {port: number}).port}/metrics`
    }
  }
  const closeMetrics = () =>
    new Promise<void>((r) => {
      if (!metricsServer) return r()
      metricsServer.close(() => r())
      metricsServer.closeAllConnections()
    })

  const close = async (o: {graceMs?: number} = {}) => {
    accepting = false
    fs.rmSync(lockFile, {force: true})
    const closed = new Promise<void>((r) => server.close(() => r()))
    if (o.graceMs) {
      server.closeIdleConnections()
      await watchdog.drain(o.graceMs)
    }
    server.closeAllConnections()
    await Promise.all([
      closed,
      watchdog.stop(),
      closeMetrics(),
    ])
  }

  return {
    config,
    watchdog,
    server,
    url: `http://${shownHost}:${addr.port}`,
    metricsUrl,
    metrics,
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
      await Promise.all([watchdog.stop(), closeMetrics()])
    },
  }
}

/** Go's http.Redirect with 301: a small HTML body for GET, the HTML type for GET and HEAD. */
function redirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  const headers: Record<string, string> = {Location: location}
  if (req.method === 'GET' || req.method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8'
  res.writeHead(301, headers)
  if (req.method === 'GET') res.end(`<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`)
  else res.end()
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;'})[c]!)
}
