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
import {isWildcardHost} from '../../util/loopback.js'
import {admissionPolicy} from './admission.js'
import {AsyncQueue} from './async-queue.js'
import {basicAuthorizer, type BasicAuthCredentials} from './auth.js'
import {capConnections, serverTimeouts} from './connections.js'
import type {FunctionRuntime} from './function-runtime.js'
import {type GatewayLimits, gatewayLimits} from './limits.js'
import {Registry} from './registry.js'
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
  /** Tighter or looser bounds (tests). */
  limits?: Partial<GatewayLimits>
  /** Gateway events (deploys, restarts) for the terminal. */
  onEvent?: (message: string) => void
  /** Every line the function processes write (they always go to /system/logs too). */
  onFunctionLog?: (fn: string, instance: string, line: string) => void
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
      onEvent: options.onEvent ? (fn, message) => log(`${fn}: ${message}`) : undefined,
      onLog: options.onFunctionLog,
    })
    registry.restore()
    const reg = registry

    const host = options.host ?? '127.0.0.1'
    let selfPort = 0
    const selfHost = isWildcardHost(host) ? '127.0.0.1' : host
    const queue = new AsyncQueue({
      limits,
      concurrency: Math.max(1, options.asyncConcurrency ?? 1),
      servedBy: `openfaas-ce/${version}`,
      self: () => ({host: selfHost, port: selfPort}),
      event: (ns, name, message) => reg.get(ns, name)?.event(message),
    })
    const authorized = basicAuthorizer(options.basicAuth)
    const handler = createRouter({
      admission: admissionPolicy(host, options.allowedHosts),
      authorized,
      invoke: {registry: reg, servedBy: `openfaas-ce/${version}`, userAgent: `openfaas-ce-gateway/${version}`, ownCredentials: options.basicAuth ? authorized : undefined},
      queue,
      context: {registry: reg, sandbox, limits, version, log},
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
    const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h)

    return {
      url: `http://${bracket(selfHost)}:${selfPort}`,
      port: selfPort,
      bindAddress: `${bracket(address.address)}:${selfPort}`,
      dataDir,
      server,
      functions: reg.functions,
      sandbox,
      reaped,
      restored: reg.restored,
      async close() {
        queue.close()
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
