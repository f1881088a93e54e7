/**
 * The embedded gateway behind `faas gateway`: the OpenFaaS provider API (runtime.md §4) and the
 * gateway's function routes (§3) served from local processes, one node:http server.
 *
 * This file puts the parts together; each rule lives in its own module:
 *   router.ts        the order of checks and the route table
 *   admission.ts     Host / Origin / Sec-Fetch-Site / JSON-writes rules (drive-by protection)
 *   auth.ts          basic auth on /system/* and the portal
 *   connections.ts   header and request timeouts, the connection cap
 *   limits.ts        every bound, by name
 *   names.ts         function, namespace and secret names
 *   registry.ts      what is deployed (functions, namespaces, secrets) and its state on disk
 *   invoke.ts        /function/…        async-queue.ts  /async-function/…
 *   metrics.ts       Prometheus metrics on their own port (--metrics-port)
 *   cron.ts          calls cron functions on their schedule (routes/topic.ts: events by topic)
 *   routes/          /system/functions, function, scale-function, secrets, namespaces, logs, info
 *   ../sandbox/      how function processes start: environment, bubblewrap, process trees
 * Deployed functions are restored on start, in the background (the port opens at once).
 */
import {promises as fs} from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {configDir} from '../../config/auth-config.js'
import {FaasError} from '../../errors.js'
import {cacheDir, dataDir as userDataDir} from '../../fsutil.js'
import {imageIndexPath} from '../image-index.js'
import {baseEnvironment} from '../sandbox/environment.js'
import {createSandbox, type Sandbox, type SandboxMode} from '../sandbox/index.js'
import {isWildcardHost, urlHost} from '../../util/loopback.js'
import {admissionPolicy} from './admission.js'
import {AsyncQueue} from './async-queue.js'
import {AsyncStore} from './async-store.js'
import {Autoscaler} from './autoscaler.js'
import {basicAuthorizer, type BasicAuthCredentials} from './auth.js'
import {capConnections, serverTimeouts} from './connections.js'
import {type CronScheduler, startCron} from './cron.js'
import type {FunctionRuntime} from './function-runtime.js'
import {type GatewayLimits, gatewayLimits} from './limits.js'
import {GatewayMetrics, type MetricsServer, startMetricsServer} from './metrics.js'
import {MAX_REPLICAS, Registry} from './registry.js'
import {createRouter} from './router.js'

export interface GatewayOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default `$XDG_DATA_HOME/faas/gateway` (else ~/.local/share/faas/gateway). */
  dataDir?: string
  /** Protect /system/* and the portal with these credentials (undefined: no auth). */
  basicAuth?: BasicAuthCredentials
  /** Host names accepted in `Host`/`Origin` besides loopback names and the bind address. */
  allowedHosts?: string[]
  /** Where function processes run (default auto: bubblewrap where it works). */
  sandbox?: SandboxMode
  /** Requests with larger bodies get 413 unless the function sets max_request_body (0 = no limit). */
  maxRequestBodyBytes?: number
  /** Shown in /system/info and the X-Served-By header. */
  version?: string
  /** Local image index (default imageIndexPath()). */
  imageIndexPath?: string
  /** The environment of the gateway: where HOME, PATH and faas's folders are read from (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Async calls run at once (the queue worker's max_inflight). */
  asyncConcurrency?: number
  /** Cron calls go to /async-function/ (the cron-connector's asynchronous_invocation); default synchronous. */
  cronAsync?: boolean
  /** Replicas follow load and idle functions stop, as the com.openfaas.scale.* labels say (default true). */
  autoscale?: boolean
  /** How often the autoscaler decides and over how long it averages load (default 1 s, 5 s). */
  autoscaler?: {intervalMs?: number; loadWindowMs?: number; defaultMax?: number}
  /** Tighter or looser bounds (tests). */
  limits?: Partial<GatewayLimits>
  /** Gateway events (deploys, restarts) for the terminal. */
  onEvent?: (message: string) => void
  /** Every line the function processes write (they always go to /system/logs too). */
  onFunctionLog?: (fn: string, instance: string, line: string) => void
  /** Serve Prometheus metrics on this port of the same host (0 = a free port; undefined = none). */
  metricsPort?: number
  /** When the metrics port is taken: go on without metrics (logged) instead of failing. */
  metricsPortOptional?: boolean
}

export interface EmbeddedGateway {
  /** How a client on this machine reaches it. */
  url: string
  port: number
  /** The address it is bound to, e.g. `0.0.0.0:8080`. */
  bindAddress: string
  dataDir: string
  server: http.Server
  functions: Map<string, FunctionRuntime>
  sandbox: Sandbox
  /** Process trees a previous, killed gateway left, stopped before this one started anything. */
  reaped: number
  /** Resolves once restored functions have been started. */
  restored: Promise<void>
  /** The metrics port, when metrics are on. */
  metricsPort?: number
  /** The built-in cron: the functions it calls and their next runs. */
  cron: CronScheduler
  close(): Promise<void>
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024

export function defaultGatewayDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userDataDir(env), 'gateway')
}

export async function startGateway(options: GatewayOptions = {}): Promise<EmbeddedGateway> {
  const env = options.env ?? process.env
  const version = options.version ?? '0.0.0'
  const limits = gatewayLimits(options.limits)
  const dataDir = path.resolve(options.dataDir ?? defaultGatewayDataDir(env))
  const indexPath = options.imageIndexPath ?? imageIndexPath(env)
  await fs.mkdir(dataDir, {recursive: true, mode: 0o700})
  const pidFile = await claimDataDir(dataDir)
  const log = options.onEvent ?? (() => {})
  let registry: Registry | undefined
  try {
    const sandbox = await createSandbox(options.sandbox ?? 'auto', {
      env,
      // what no function may see: the gateway's state and password, faas's own state, cache
      // (other functions' builds) and credentials
      hide: [dataDir, userDataDir(env), cacheDir(env), path.dirname(indexPath), configDir(env)],
      ledgerDir: path.join(dataDir, 'processes'),
    })
    const reaped = (await sandbox.ledger?.reapLeftovers()) ?? 0
    registry = await Registry.open(dataDir, indexPath, {
      baseEnv: baseEnvironment(env),
      sandbox,
      maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      logFileBytes: limits.logFileBytes,
      onEvent: options.onEvent ? (fn, message) => log(`${fn}: ${message}`) : undefined,
      onLog: options.onFunctionLog,
    })
    registry.restore()
    const reg = registry
    const autoscaler = options.autoscale === false ? undefined : new Autoscaler(reg, {...options.autoscaler, maxReplicas: MAX_REPLICAS})

    const host = options.host ?? '127.0.0.1'
    let selfPort = 0
    const selfHost = isWildcardHost(host) ? '127.0.0.1' : host
    const self = () => ({host: selfHost, port: selfPort})
    const queue = new AsyncQueue({
      limits,
      concurrency: Math.max(1, options.asyncConcurrency ?? 1),
      servedBy: `openfaas-ce/${version}`,
      self,
      event: (ns, name, message) => reg.get(ns, name)?.event(message),
      store: new AsyncStore(path.join(dataDir, 'async')),
      log,
    })
    const admission = admissionPolicy(host, options.allowedHosts)
    const metrics = options.metricsPort === undefined ? undefined : await GatewayMetrics.create(reg.functions)
    const authorized = basicAuthorizer(options.basicAuth)
    const handler = createRouter({
      admission,
      authorized,
      invoke: {registry: reg, servedBy: `openfaas-ce/${version}`, userAgent: `openfaas-ce-gateway/${version}`, metrics, ownCredentials: options.basicAuth ? authorized : undefined},
      queue,
      context: {registry: reg, sandbox, limits, version, log, self},
    })
    const server = http.createServer(serverTimeouts(limits), handler)
    capConnections(server, limits)
    // Upgrade requests are refused: the real gateway strips Upgrade too (spec §3.1).
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      // a deep accept queue: a burst of connections is accepted (and, past the cap, made room
      // for) instead of dropped by the kernel, which callers would feel as a 1 s SYN retry
      server.listen({port: options.port ?? 8080, host, backlog: limits.acceptBacklog}, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address() as {address: string; port: number}
    selfPort = address.port
    let metricsServer: MetricsServer | undefined
    if (metrics) {
      metricsServer = await startMetricsServer(metrics, {port: options.metricsPort ?? 0, host, admission}).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' && options.metricsPortOptional) {
          log(`metrics are off: port ${options.metricsPort} is in use (another OpenFaaS or faas gateway?); choose one with --metrics-port`)
          return undefined
        }
        await new Promise<void>((r) => server.close(() => r()))
        // which port failed: the caller's message names it
        throw Object.assign(err, {metricsPort: options.metricsPort})
      })
    }
    const metricsClosed = metricsServer
    // once the port is known: the scheduler calls functions through it
    const cron = startCron(reg, {limits, async: options.cronAsync ?? false, self})
    autoscaler?.start()
    // calls accepted by a gateway that stopped before running them, once functions are back
    void reg.restored
      .then(() => queue.recover())
      .then((n) => n && log(`running ${n} asynchronous call(s) accepted before the last stop`))
      .catch((err: Error) => log(`could not read the stored asynchronous calls: ${err.message}`))

    return {
      url: `http://${urlHost(selfHost)}:${selfPort}`,
      port: selfPort,
      bindAddress: `${urlHost(address.address)}:${selfPort}`,
      dataDir,
      server,
      functions: reg.functions,
      sandbox,
      reaped,
      restored: reg.restored,
      metricsPort: metricsClosed?.port,
      cron,
      async close() {
        cron.close()
        autoscaler?.stop()
        queue.close()
        await metricsClosed?.close()
        const closed = new Promise<void>((r) => server.close(() => r()))
        server.closeAllConnections()
        await reg.close()
        await closed
        await fs.rm(pidFile, {force: true})
      },
    }
  } catch (err) {
    await registry?.close().catch(() => {})
    await fs.rm(pidFile, {force: true})
    throw err
  }
}

/** One gateway per data directory: `gateway.pid` names the owner; a dead owner's file is taken over. */
async function claimDataDir(dataDir: string): Promise<string> {
  const pidFile = path.join(dataDir, 'gateway.pid')
  try {
    const pid = Number((await fs.readFile(pidFile, 'utf8')).trim())
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      let alive = true
      try {
        process.kill(pid, 0)
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM'
      }
      if (alive) {
        throw new FaasError(`another faas gateway (pid ${pid}) is using ${dataDir}`, {
          hint: 'stop it first, or give this one its own --data-dir',
        })
      }
    }
  } catch (err) {
    if (err instanceof FaasError) throw err
  }
  await fs.writeFile(pidFile, String(process.pid) + '\n', {mode: 0o600})
  return pidFile
}
