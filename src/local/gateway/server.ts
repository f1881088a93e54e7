/**
 * The embedded gateway behind `faas gateway`: the OpenFaaS provider API (spec §4) and the
 * gateway's function routes (spec §3) served from local processes, one node:http server.
 *
 *  - /function/<name>[.<ns>][/path]  sync calls, proxied in-process to a replica's watchdog;
 *  - /async-function/<name>...       queued, answered 202, run by a worker, result POSTed to
 *                                    X-Callback-Url;
 *  - /system/*                       deploy/update/delete/list/describe, scale, secrets,
 *                                    namespaces, logs (NDJSON), info; basic auth when enabled;
 *  - /healthz.
 *
 * Functions run what the host builder recorded in the local image index for their image.
 * Deployments, namespaces and secrets live in the data directory and are restored on start:
 * restored functions are started eagerly, in the background (the port opens at once).
 */
import {randomUUID, timingSafeEqual} from 'node:crypto'
import {promises as fs} from 'node:fs'
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type {FunctionDeployment, FunctionNamespace, FunctionStatus, GatewayInfo, LogMessage} from '../../gateway/types.js'
import {FaasError} from '../../errors.js'
import {dataDir as userDataDir} from '../../fsutil.js'
import {nowUnixNanos, parseRfc3339, rfc3339Nano} from '../clock.js'
import {formatSeconds} from '../duration.js'
import {type ImageIndexEntry, imageIndexPath, lookupImage} from '../image-index.js'
import {decodePath} from '../watchdog/cgi-env.js'
import {readWatchdogConfig} from '../watchdog/config.js'
import {forwardableHeaders, sendText} from '../watchdog/respond.js'
import type {RequestContext} from '../watchdog/types.js'
import {baseEnvironment, DEFAULT_NAMESPACE, FunctionRuntime} from './function-runtime.js'
import {cleanPath, DNS_LABEL, escapePath, needsCleaning, ROUTE_NAME, SERVICE_NAME, splitFunctionRef} from './paths.js'
import {type GatewayState, StateStore, type StoredFunction} from './state.js'
import {LOCAL_PROVIDER_NAME} from '../../gateway/info.js'

export interface GatewayOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default `$XDG_DATA_HOME/faas/gateway` (else ~/.local/share/faas/gateway). */
  dataDir?: string
  /** Protect /system/* with these credentials. */
  basicAuth?: {user: string; password: string}
  /** Requests with larger bodies get 413 unless the function sets max_request_body (0 = no limit). */
  maxRequestBodyBytes?: number
  /** Shown in /system/info and the X-Served-By header. */
  version?: string
  /** Local image index (default imageIndexPath()). */
  imageIndexPath?: string
  /** Environment the functions inherit (default process.env, without watchdog variables). */
  env?: NodeJS.ProcessEnv
  /** Async calls run at once (the queue worker's max_inflight). */
  asyncConcurrency?: number
  /** Gateway events (deploys, restarts) for the terminal. */
  onEvent?: (message: string) => void
  /** Every line the function processes write (they always go to /system/logs too). */
  onFunctionLog?: (fn: string, instance: string, line: string) => void
}

export interface EmbeddedGateway {
  url: string
  port: number
  dataDir: string
  server: http.Server
  functions: Map<string, FunctionRuntime>
  /** Resolves once restored functions have been started. */
  restored: Promise<void>
  close(): Promise<void>
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
const ASYNC_MAX_BODY = 256_000
const FUNCTION_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])
const MAX_REPLICAS = 100

export function defaultGatewayDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userDataDir(env), 'gateway')
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

interface AsyncJob {
  ref: string
  sub: string
  query: string
  headers: string[]
  body: Buffer
  callbackUrl?: string
  callId: string
}

export async function startGateway(options: GatewayOptions = {}): Promise<EmbeddedGateway> {
  const version = options.version ?? '0.0.0'
  const servedBy = `openfaas-ce/${version}`
  const userAgent = `openfaas-ce-gateway/${version}`
  const dataDir = path.resolve(options.dataDir ?? defaultGatewayDataDir(options.env ?? process.env))
  const indexPath = options.imageIndexPath ?? imageIndexPath(options.env ?? process.env)
  const store = new StateStore(dataDir)
  const state: GatewayState = await store.load()
  const pidFile = await claimDataDir(dataDir)
  const functions = new Map<string, FunctionRuntime>()
  const onEvent = options.onEvent
  const settings = {
    baseEnv: baseEnvironment(options.env ?? process.env),
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onEvent: onEvent ? (fn: string, message: string) => onEvent(`${fn}: ${message}`) : undefined,
    onLog: options.onFunctionLog,
  }
  const expectedAuth = options.basicAuth
    ? Buffer.from('Basic ' + Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64'))
    : undefined

  // Writes to state (deploy, scale, secrets, namespaces) happen one at a time.
  let mutex: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = mutex.then(fn, fn)
    mutex = next.catch(() => {})
    return next
  }

  const key = (ns: string, name: string) => `${ns}/${name}`

  const persist = () => {
    state.functions = {}
    for (const [k, fn] of functions) {
      state.functions[k] = {deployment: fn.deployment, build: fn.build, replicas: fn.desired, createdAt: fn.createdAt}
    }
    return store.save(state)
  }

  const namespaceExists = (ns: string) => ns === DEFAULT_NAMESPACE || state.namespaces[ns] !== undefined

  const runtimeFor = (name: string, ns: string, stored: StoredFunction) =>
    new FunctionRuntime(name, ns, stored.deployment, stored.build, stored.createdAt, store.functionSecretsDir(ns, name), settings, stored.replicas)

  // ---- restore --------------------------------------------------------------------------
  const restoreJobs: Array<Promise<void>> = []
  for (const [k, stored] of Object.entries(state.functions)) {
    const slash = k.indexOf('/')
    const ns = k.slice(0, slash)
    const name = k.slice(slash + 1)
    const fn = runtimeFor(name, ns, stored)
    functions.set(k, fn)
    restoreJobs.push(
      (async () => {
        if (!(await isDir(fn.build.dir))) {
          const again = await lookupImage(fn.deployment.image, indexPath).catch(() => undefined)
          if (again && (await isDir(again.dir))) fn.build = again
          else fn.event(`the build of ${fn.deployment.image} is missing (${fn.build.dir}); rebuild and deploy it again`)
        }
        await store.syncFunctionSecrets(ns, name, fn.deployment.secrets ?? [])
        fn.event(`restored with ${stored.replicas} replica(s)`)
        await fn.scale(stored.replicas)
      })().catch((err) => fn.event(`could not start: ${(err as Error).message}`)),
    )
  }
  const restored = Promise.all(restoreJobs).then(() => {})

  // ---- function routes ------------------------------------------------------------------
  const invoke = (req: IncomingMessage, res: ServerResponse, rest: string): void => {
    const q = rest.indexOf('?')
    const pathPart = q === -1 ? rest : rest.slice(0, q)
    const query = q === -1 ? '' : rest.slice(q + 1)
    if (needsCleaning(pathPart)) {
      redirect(res, cleanPath('/function/' + pathPart) + (q === -1 ? '' : '?' + query))
      return
    }
    const slash = pathPart.indexOf('/')
    const ref = slash === -1 ? pathPart : pathPart.slice(0, slash)
    if (!ROUTE_NAME.test(ref)) {
      notFound(req, res)
      return
    }
    if (!FUNCTION_METHODS.has(req.method ?? '')) {
      req.resume()
      sendText(res, 405, 'Method Not Allowed\n')
      return
    }
    const {name, namespace} = splitFunctionRef(ref, DEFAULT_NAMESPACE)
    const fn = functions.get(key(namespace, name))
    if (!fn) {
      req.resume()
      sendText(res, 404, `error finding function ${name}.${namespace}: not found\n`, ['X-OpenFaaS-Internal', 'proxy'])
      return
    }
    const sub = slash === -1 ? '/' : pathPart.slice(slash)
    const decoded = decodePath(sub)
    const startNs = nowUnixNanos().toString()
    const requestHeaders: string[] = ['X-Start-Time', startNs]
    const responseHeaders: string[] = ['X-Start-Time', startNs, 'X-Served-By', servedBy]
    const h = req.headers
    if (h['x-call-id'] === undefined) {
      const id = randomUUID()
      requestHeaders.push('X-Call-Id', id)
      responseHeaders.push('X-Call-Id', id)
    }
    if (h['x-forwarded-host'] === undefined && h.host !== undefined) requestHeaders.push('X-Forwarded-Host', h.host)
    if (h['x-forwarded-for'] === undefined) {
      requestHeaders.push('X-Forwarded-For', `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`)
    }
    if (h['user-agent'] === undefined) requestHeaders.push('User-Agent', userAgent)
    const ctx: RequestContext = {
      path: (sub.includes('%') ? escapePath(decoded) : sub) + (q === -1 ? '' : '?' + query),
      decodedPath: decoded,
      query,
      requestHeaders,
      responseHeaders,
      defaultContentType: h['content-type'] ?? 'text/plain',
    }
    res.once('finish', () => fn.invocations++)
    const replica = fn.pickNow()
    if (replica) {
      replica.watchdog.handle(req, res, ctx)
      return
    }
    fn.pick().then(
      (r) => {
        if (r) r.watchdog.handle(req, res, ctx)
        else {
          req.resume()
          sendText(res, 500, `Can't reach service for: ${name}.\n`, [...responseHeaders, 'X-OpenFaaS-Internal', 'proxy'])
        }
      },
      (err: Error) => {
        req.resume()
        sendText(res, 502, `function ${fn.label} could not be started: ${err.message}\n`, [...responseHeaders, 'X-OpenFaaS-Internal', 'proxy'])
      },
    )
  }

  // ---- async ------------------------------------------------------------------------------
  const queue: AsyncJob[] = []
  let running = 0
  const concurrency = Math.max(1, options.asyncConcurrency ?? 1)
  let selfPort = 0
  let selfHost = '127.0.0.1'
  let closing = false

  const pump = () => {
    while (!closing && running < concurrency && queue.length) {
      const job = queue.shift()!
      running++
      void runAsyncJob(job).finally(() => {
        running--
        pump()
      })
    }
  }

  const runAsyncJob = async (job: AsyncJob): Promise<void> => {
    const started = performance.now()
    const target = `/function/${job.ref}${job.sub}${job.query ? '?' + job.query : ''}`
    const headers = forwardableHeaders(job.headers).filter((_, i, a) => {
      const n = (i % 2 === 0 ? a[i] : a[i - 1]).toLowerCase()
      return n !== 'content-length' && n !== 'user-agent' && n !== 'x-call-id' && n !== 'host'
    })
    headers.push('Host', `${selfHost.includes(':') ? `[${selfHost}]` : selfHost}:${selfPort}`, 'User-Agent', 'openfaas-ce/nats-queue-worker', 'X-Call-Id', job.callId, 'Content-Length', String(job.body.length))
    let result: {status: number; headers: string[]; body: Buffer}
    try {
      result = await plainRequest({host: selfHost, port: selfPort, method: 'POST', path: target, headers, body: job.body})
    } catch (err) {
      result = {status: 503, headers: [], body: Buffer.from(`${(err as Error).message}\n`)}
    }
    const {name, namespace} = splitFunctionRef(job.ref, DEFAULT_NAMESPACE)
    functions.get(key(namespace, name))?.event(`async call ${job.callId} finished with status ${result.status}`)
    if (!job.callbackUrl) return
    const cbHeaders = forwardableHeaders(result.headers).filter((_, i, a) => {
      const n = (i % 2 === 0 ? a[i] : a[i - 1]).toLowerCase()
      return n !== 'content-length' && n !== 'x-call-id' && n !== 'x-duration-seconds'
    })
    cbHeaders.push(
      'X-Function-Status', String(result.status),
      'X-Function-Name', job.ref,
      'X-Call-Id', job.callId,
      'X-Duration-Seconds', formatSeconds(performance.now() - started),
      'Content-Length', String(result.body.length),
    )
    try {
      const u = new URL(job.callbackUrl)
      await plainRequest({url: u, method: 'POST', headers: ['Host', u.host, ...cbHeaders], body: result.body})
    } catch (err) {
      functions.get(key(namespace, name))?.event(`callback to ${job.callbackUrl} for ${job.callId} failed: ${(err as Error).message}`)
    }
  }

  const asyncInvoke = async (req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> => {
    const q = rest.indexOf('?')
    const pathPart = q === -1 ? rest : rest.slice(0, q)
    const query = q === -1 ? '' : rest.slice(q + 1)
    const slash = pathPart.indexOf('/')
    const ref = slash === -1 ? pathPart : pathPart.slice(0, slash)
    if (!ROUTE_NAME.test(ref)) return notFound(req, res)
    if (req.method !== 'POST') {
      req.resume()
      return sendText(res, 405, 'Method Not Allowed\n')
    }
    const body = await readLimited(req, ASYNC_MAX_BODY)
    if (body === undefined) {
      return sendText(res, 500, `Error queuing request: request body too large, the limit is ${ASYNC_MAX_BODY} bytes\n`, ['Connection', 'close'])
    }
    const cb = req.headers['x-callback-url']
    let callbackUrl: string | undefined
    if (typeof cb === 'string' && cb !== '') {
      try {
        const u = new URL(cb)
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)')
        callbackUrl = u.toString()
      } catch {
        return sendText(res, 400, `invalid X-Callback-Url: ${cb}\n`)
      }
    }
    const callId = typeof req.headers['x-call-id'] === 'string' ? req.headers['x-call-id'] : randomUUID()
    const startNs = nowUnixNanos().toString()
    queue.push({
      ref,
      sub: slash === -1 ? '/' : pathPart.slice(slash),
      query,
      headers: [...req.rawHeaders, 'X-Start-Time', startNs],
      body,
      callbackUrl,
      callId,
    })
    res.writeHead(202, ['X-Call-Id', callId, 'X-Start-Time', startNs, 'X-Served-By', servedBy, 'Content-Length', '0'])
    res.end()
    pump()
  }

  // ---- /system -------------------------------------------------------------------------------
  const statusOf = async (fn: FunctionRuntime, usage: boolean): Promise<FunctionStatus> => {
    const d = fn.deployment
    const s: FunctionStatus = {name: fn.name, image: d.image, namespace: fn.namespace}
    if (d.envProcess) s.envProcess = d.envProcess
    if (d.envVars && Object.keys(d.envVars).length) s.envVars = d.envVars
    if (d.constraints?.length) s.constraints = d.constraints
    if (d.secrets?.length) s.secrets = d.secrets
    if (d.labels) s.labels = d.labels
    if (d.annotations) s.annotations = d.annotations
    if (d.limits && Object.values(d.limits).some((v) => v)) s.limits = d.limits
    if (d.requests && Object.values(d.requests).some((v) => v)) s.requests = d.requests
    if (d.readOnlyRootFilesystem) s.readOnlyRootFilesystem = true
    if (fn.invocations) s.invocationCount = fn.invocations
    if (fn.desired) s.replicas = fn.desired
    const available = fn.availableReplicas
    if (available) s.availableReplicas = available
    s.createdAt = fn.createdAt
    if (usage) {
      const mem = await fn.memoryBytes()
      if (mem !== undefined) s.usage = {totalMemoryBytes: mem}
    }
    return s
  }

  const requireNamespace = (ns: string) => {
    if (!namespaceExists(ns)) {
      throw new HttpError(400, `namespace not valid: "${ns}" does not exist (create it with: faas namespace create ${ns})`)
    }
  }

  const resolveBuild = async (image: string): Promise<ImageIndexEntry> => {
    const entry = await lookupImage(image, indexPath)
    if (!entry) {
      throw new HttpError(
        400,
        `image ${image} was not found in the local image index (${indexPath}): build it on this machine first (faas build or faas up, with --builder host)`,
      )
    }
    if (!(await isDir(entry.dir))) {
      throw new HttpError(400, `the build of image ${image} is missing (${entry.dir}): build it again`)
    }
    return entry
  }

  const parseDeployment = (body: unknown): FunctionDeployment => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'unable to parse request body: expected a JSON object')
    const b = body as Record<string, unknown>
    const str = (k: string) => {
      const v = b[k]
      if (v === undefined || v === null) return undefined
      if (typeof v !== 'string') throw new HttpError(400, `${k} must be a string`)
      return v
    }
    const map = (k: string) => {
      const v = b[k]
      if (v === undefined || v === null) return undefined
      if (typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, `${k} must be an object of strings`)
      const out: Record<string, string> = {}
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) out[mk] = String(mv ?? '')
      return out
    }
    const list = (k: string) => {
      const v = b[k]
      if (v === undefined || v === null) return undefined
      if (!Array.isArray(v)) throw new HttpError(400, `${k} must be a list of strings`)
      return v.map((x) => String(x))
    }
    const service = str('service')
    const image = str('image')
    if (!service) throw new HttpError(400, 'service is required')
    if (!SERVICE_NAME.test(service)) throw new HttpError(400, `invalid function name: ${service}`)
    if (!image) throw new HttpError(400, 'image is required')
    const d: FunctionDeployment = {service, image, labels: map('labels') ?? {}, annotations: map('annotations') ?? {}}
    if (b.labels === undefined || b.labels === null) delete (d as Partial<FunctionDeployment>).labels
    if (b.annotations === undefined || b.annotations === null) delete (d as Partial<FunctionDeployment>).annotations
    // optional fields, in wire order: empty strings are left out, empty maps and lists kept
    const optional = [['namespace', str], ['envProcess', str], ['envVars', map], ['constraints', list], ['secrets', list], ['limits', map], ['requests', map]] as const
    for (const [key, read] of optional) {
      const value = read(key)
      if (value) (d as unknown as Record<string, unknown>)[key] = value
    }
    if (b.readOnlyRootFilesystem === true) d.readOnlyRootFilesystem = true
    return d
  }

  /** Checks that the function's settings make a valid watchdog configuration before anything starts. */
  const checkConfiguration = (d: FunctionDeployment, build: ImageIndexEntry) => {
    const env: Record<string, string> = {mode: build.mode, fprocess: build.run, ...build.environment, ...(d.envVars ?? {})}
    if (d.envProcess && d.envProcess !== build.image_fprocess) env.fprocess = d.envProcess
    if (env.mode === 'http' && build.port_env) env.upstream_url = 'http://127.0.0.1:1'
    try {
      readWatchdogConfig(env)
    } catch (err) {
      throw new HttpError(400, `invalid function configuration: ${(err as Error).message}`)
    }
  }

  const checkSecrets = async (ns: string, secrets: string[] | undefined) => {
    for (const s of secrets ?? []) {
      if (!(await store.secretExists(ns, s))) throw new HttpError(400, `unable to find secret: ${s}`)
    }
  }

  const deploy = async (body: unknown, update: boolean): Promise<number> => {
    const d = parseDeployment(body)
    const ns = d.namespace || DEFAULT_NAMESPACE
    requireNamespace(ns)
    const k = key(ns, d.service)
    const existing = functions.get(k)
    if (update && !existing) throw new HttpError(404, `function: ${d.service}.${ns} not found`)
    if (!update && existing) throw new HttpError(400, `function ${d.service}.${ns} already exists`)
    await checkSecrets(ns, d.secrets)
    const build = await resolveBuild(d.image)
    checkConfiguration(d, build)
    await store.syncFunctionSecrets(ns, d.service, d.secrets ?? [])
    if (existing) {
      await existing.replace(d, build)
      existing.event(`updated (image ${d.image}, build ${build.digest.slice(7, 19)})`)
      await persist()
      return 200
    }
    const min = Number(d.labels?.['com.openfaas.scale.min'] ?? 1)
    const replicas = Math.min(MAX_REPLICAS, Math.max(1, Number.isFinite(min) ? Math.floor(min) : 1))
    const fn = runtimeFor(d.service, ns, {deployment: d, build, replicas, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')})
    functions.set(k, fn)
    fn.event(`deployed (image ${d.image}, build ${build.digest.slice(7, 19)}, ${build.mode} mode)`)
    await fn.scale(replicas)
    await persist()
    return 202
  }

  const removeFunction = async (k: string) => {
    const fn = functions.get(k)
    if (!fn) return
    functions.delete(k)
    fn.event('removed')
    await fn.stop()
    await store.removeFunctionDir(fn.namespace, fn.name)
  }

  const refreshSecretsOf = async (ns: string) => {
    for (const fn of functions.values()) {
      if (fn.namespace === ns && fn.deployment.secrets?.length) await store.syncFunctionSecrets(ns, fn.name, fn.deployment.secrets)
    }
  }

  const secretBody = (body: unknown, query: URLSearchParams) => {
    if (typeof body !== 'object' || body === null) throw new HttpError(400, 'unable to parse request body: expected a JSON object')
    const b = body as Record<string, unknown>
    const name = typeof b.name === 'string' ? b.name : ''
    if (name === '' || name.includes('/') || name.includes('..') || name.includes('\0') || name.startsWith('.')) {
      throw new HttpError(400, `invalid secret name: ${JSON.stringify(name)}`)
    }
    const ns = (typeof b.namespace === 'string' && b.namespace) || query.get('namespace') || DEFAULT_NAMESPACE
    let value: Buffer | undefined
    if (typeof b.rawValue === 'string' && b.rawValue !== '') value = Buffer.from(b.rawValue, 'base64')
    else if (typeof b.value === 'string') value = Buffer.from(b.value, 'utf8')
    return {name, ns, value}
  }

  const systemRoute = async (req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET'
    const nsParam = () => query.get('namespace') || DEFAULT_NAMESPACE

    if (pathname === '/system/functions') {
      if (method === 'GET') {
        req.resume()
        const ns = nsParam()
        requireNamespace(ns)
        const list: FunctionStatus[] = []
        const names = [...functions.values()].filter((f) => f.namespace === ns).sort((a, b) => a.name.localeCompare(b.name))
        for (const fn of names) list.push(await statusOf(fn, false))
        return sendJson(res, 200, list)
      }
      if (method === 'POST' || method === 'PUT') {
        const body = await readJson(req)
        const status = await exclusive(() => deploy(body, method === 'PUT'))
        return sendText(res, status, '', [], '')
      }
      if (method === 'DELETE') {
        const body = (await readJson(req)) as {functionName?: unknown; namespace?: unknown}
        const name = typeof body?.functionName === 'string' ? body.functionName : ''
        if (!name) throw new HttpError(400, 'functionName is required')
        const ns = (typeof body.namespace === 'string' && body.namespace) || query.get('namespace') || DEFAULT_NAMESPACE
        requireNamespace(ns)
        await exclusive(async () => {
          if (!functions.has(key(ns, name))) throw new HttpError(404, `function: ${name}.${ns} not found`)
          await removeFunction(key(ns, name))
          await persist()
        })
        return sendText(res, 200, '', [], '')
      }
      return methodNotAllowed(req, res)
    }

    if (pathname.startsWith('/system/function/')) {
      if (method !== 'GET') return methodNotAllowed(req, res)
      req.resume()
      const name = decodePath(pathname.slice('/system/function/'.length))
      const fn = functions.get(key(nsParam(), name))
      if (!fn) return sendText(res, 404, '', [], '')
      return sendJson(res, 200, await statusOf(fn, true))
    }

    if (pathname.startsWith('/system/scale-function/')) {
      if (method !== 'POST' && method !== 'PUT') return methodNotAllowed(req, res)
      const name = decodePath(pathname.slice('/system/scale-function/'.length))
      const body = (await readJson(req)) as {replicas?: unknown; namespace?: unknown}
      const ns = query.get('namespace') || (typeof body?.namespace === 'string' && body.namespace) || DEFAULT_NAMESPACE
      const replicas = Number(body?.replicas ?? 0)
      if (!Number.isInteger(replicas) || replicas < 0) throw new HttpError(400, 'replicas must be a whole number, 0 or more')
      if (replicas > MAX_REPLICAS) throw new HttpError(400, `replicas must be at most ${MAX_REPLICAS} on the local gateway`)
      const fn = functions.get(key(ns, name))
      if (!fn) throw new HttpError(404, `function: ${name}.${ns} not found`)
      let target = replicas
      const max = Number(fn.deployment.labels?.['com.openfaas.scale.max'])
      if (Number.isInteger(max) && max > 0 && target > max) target = max
      await exclusive(async () => {
        fn.event(`scaled to ${target} replica(s)`)
        await fn.scale(target)
        await persist()
      })
      return sendText(res, 200, '', [], '')
    }

    if (pathname === '/system/secrets') {
      if (method === 'GET') {
        req.resume()
        const ns = nsParam()
        requireNamespace(ns)
        return sendJson(res, 200, (await store.listSecrets(ns)).map((name) => ({name, namespace: ns})))
      }
      if (method === 'POST' || method === 'PUT') {
        const {name, ns, value} = secretBody(await readJson(req), query)
        requireNamespace(ns)
        const status = await exclusive(async () => {
          const exists = await store.secretExists(ns, name)
          if (method === 'POST' && exists) throw new HttpError(409, `secret with the name "${name}" already exists`)
          if (method === 'PUT' && !exists) throw new HttpError(404, `unable to find secret: ${name}`)
          await store.writeSecret(ns, name, value ?? Buffer.alloc(0))
          await refreshSecretsOf(ns)
          return method === 'POST' ? 201 : 200
        })
        return sendText(res, status, '', [], '')
      }
      if (method === 'DELETE') {
        const {name, ns} = secretBody(await readJson(req), query)
        await exclusive(async () => {
          if (!(await store.secretExists(ns, name))) throw new HttpError(404, `unable to find secret: ${name}`)
          await store.deleteSecret(ns, name)
          await refreshSecretsOf(ns)
        })
        return sendText(res, 200, '', [], '')
      }
      return methodNotAllowed(req, res)
    }

    if (pathname === '/system/logs') {
      if (method !== 'GET') return methodNotAllowed(req, res)
      req.resume()
      return logs(req, res, query)
    }

    if (pathname === '/system/info') {
      if (method !== 'GET') return methodNotAllowed(req, res)
      req.resume()
      const info: GatewayInfo = {
        provider: {provider: LOCAL_PROVIDER_NAME, orchestration: 'host-processes', version: {sha: 'local', release: version}},
        version: {sha: 'local', release: version, commit_message: 'faas embedded gateway'},
        arch: goArch(),
      }
      return sendJson(res, 200, info)
    }

    if (pathname === '/system/namespaces') {
      if (method !== 'GET') return methodNotAllowed(req, res)
      req.resume()
      return sendJson(res, 200, [DEFAULT_NAMESPACE, ...Object.keys(state.namespaces).filter((n) => n !== DEFAULT_NAMESPACE).sort()])
    }

    if (pathname === '/system/namespace' || pathname.startsWith('/system/namespace/')) {
      const fromPath = decodePath(pathname.slice('/system/namespace/'.length))
      return namespaceRoute(req, res, method, fromPath)
    }

    return notFound(req, res)
  }

  const namespaceRoute = async (req: IncomingMessage, res: ServerResponse, method: string, fromPath: string): Promise<void> => {
    if (method === 'GET') {
      req.resume()
      if (!namespaceExists(fromPath)) throw new HttpError(404, `namespace ${fromPath} not found`)
      const stored = state.namespaces[fromPath]
      const out: FunctionNamespace = {name: fromPath, labels: stored?.labels ?? {openfaas: '1'}}
      if (stored && Object.keys(stored.annotations).length) out.annotations = stored.annotations
      return sendJson(res, 200, out)
    }
    if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') return methodNotAllowed(req, res)
    const body = (await readJson(req, true)) as Partial<FunctionNamespace> | undefined
    const name = fromPath || (typeof body?.name === 'string' ? body.name : '')
    if (!DNS_LABEL.test(name) || name.length > 63) throw new HttpError(400, `invalid namespace name: ${JSON.stringify(name)}`)
    const labels = stringMap(body?.labels)
    const annotations = stringMap(body?.annotations)
    const status = await exclusive(async () => {
      if (method === 'POST') {
        if (namespaceExists(name)) throw new HttpError(409, `namespace ${name} already exists`)
        state.namespaces[name] = {labels: {openfaas: '1', ...labels}, annotations}
        await persist()
        return 201
      }
      if (method === 'PUT') {
        if (!state.namespaces[name]) {
          if (name === DEFAULT_NAMESPACE) throw new HttpError(400, 'the default namespace cannot be changed')
          throw new HttpError(404, `namespace ${name} not found`)
        }
        state.namespaces[name] = {labels: {openfaas: '1', ...labels}, annotations}
        await persist()
        return 202
      }
      if (name === DEFAULT_NAMESPACE) throw new HttpError(400, 'the default namespace cannot be removed')
      if (!state.namespaces[name]) throw new HttpError(404, `namespace ${name} not found`)
      for (const [k, fn] of [...functions]) if (fn.namespace === name) await removeFunction(k)
      delete state.namespaces[name]
      await store.deleteNamespaceSecrets(name)
      await persist()
      return 202
    })
    return sendText(res, status, '', [], '')
  }

  const logs = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    const name = lastValue(query, 'name')
    if (!name) throw new HttpError(400, 'name is required')
    const ns = lastValue(query, 'namespace') || DEFAULT_NAMESPACE
    const tailText = lastValue(query, 'tail')
    let tail: number | undefined
    if (tailText) {
      if (!/^-?\d+$/.test(tailText)) throw new HttpError(422, `invalid tail value: ${tailText}`)
      tail = Number(tailText)
    }
    const sinceText = lastValue(query, 'since')
    let sinceNs: bigint | undefined
    if (sinceText) {
      sinceNs = parseRfc3339(sinceText)
      if (sinceNs === undefined) throw new HttpError(422, `invalid since value: ${sinceText}`)
    }
    const followText = (lastValue(query, 'follow') ?? '').toLowerCase()
    const follow = followText === 'true' || followText === '1'
    const instance = lastValue(query, 'instance') || undefined
    const fn = functions.get(key(ns, name))
    if (!fn) throw new HttpError(404, `function ${name}.${ns} not found`)
    const line = (e: {time: bigint; instance: string; text: string}) => {
      const msg: LogMessage = {name, namespace: ns, instance: e.instance, timestamp: rfc3339Nano(e.time), text: e.text}
      return JSON.stringify(msg) + '\n'
    }
    res.writeHead(200, {'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache'})
    let backlog = ''
    for (const e of fn.logs.query({sinceNs, instance, tail})) backlog += line(e)
    if (backlog) res.write(backlog)
    if (!follow) {
      res.end()
      return
    }
    res.flushHeaders()
    const unsubscribe = fn.logs.subscribe((e) => {
      if (instance && e.instance !== instance) return
      res.write(line(e))
    })
    const offClose = fn.logs.onClose(() => res.end())
    res.on('close', () => {
      unsubscribe()
      offClose()
    })
  }

  // ---- dispatch --------------------------------------------------------------------------------
  const authorized = (req: IncomingMessage): boolean => {
    if (!expectedAuth) return true
    const given = req.headers.authorization
    if (typeof given !== 'string') return false
    const buf = Buffer.from(given)
    return buf.length === expectedAuth.length && timingSafeEqual(buf, expectedAuth)
  }

  const other = async (req: IncomingMessage, res: ServerResponse, url: string): Promise<void> => {
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1))
    if (pathname === '/healthz') {
      req.resume()
      return sendText(res, 200, 'OK')
    }
    if (pathname === '/') {
      req.resume()
      return redirect(res, '/ui/', 307)
    }
    const protectedRoute = pathname.startsWith('/system/') || pathname === '/ui' || pathname.startsWith('/ui/')
    if (protectedRoute && !authorized(req)) {
      req.resume()
      return sendText(res, 401, 'invalid credentials', ['WWW-Authenticate', 'Basic realm="Restricted"'])
    }
    if (pathname === '/ui' || pathname.startsWith('/ui/')) {
      req.resume()
      return sendText(res, 200, 'This is the faas embedded gateway. It has no web UI: use "faas list", "faas invoke" and "faas logs".\n')
    }
    if (pathname.startsWith('/system/')) return systemRoute(req, res, pathname, query)
    return notFound(req, res)
  }

  const server = http.createServer({keepAliveTimeout: 65_000, requestTimeout: 0}, (req, res) => {
    const url = req.url ?? '/'
    if (url.startsWith('/function/')) {
      invoke(req, res, url.slice('/function/'.length))
      return
    }
    const work = url.startsWith('/async-function/') ? asyncInvoke(req, res, url.slice('/async-function/'.length)) : other(req, res, url)
    work.catch((err: unknown) => {
      req.resume()
      if (err instanceof HttpError) sendText(res, err.status, err.message + '\n')
      else sendText(res, 500, `${(err as Error)?.message ?? String(err)}\n`)
    })
  })
  // Upgrade requests are refused: the real gateway strips Upgrade too (spec §3.1).
  server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'))

  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  selfPort = (server.address() as {port: number}).port
  selfHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const shownHost = selfHost.includes(':') ? `[${selfHost}]` : selfHost

  return {
    url: `http://${shownHost}:${selfPort}`,
    port: selfPort,
    dataDir,
    server,
    functions,
    restored,
    async close() {
      closing = true
      await restored.catch(() => {})
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await Promise.all([...functions.values()].map((fn) => fn.stop()))
      await closed
      await mutex.catch(() => {})
      await fs.rm(pidFile, {force: true})
    },
  }
}

// ---- helpers ------------------------------------------------------------------------------------

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

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory()
  } catch {
    return false
  }
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = String(x ?? '')
  return out
}

function lastValue(q: URLSearchParams, k: string): string | undefined {
  const all = q.getAll(k)
  return all.length ? all[all.length - 1] : undefined
}

function goArch(): string {
  const a = os.arch()
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'arm64' : a === 'arm' ? 'armhf' : a
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendText(res, status, JSON.stringify(value), [], 'application/json')
}

function redirect(res: ServerResponse, location: string, status = 301): void {
  res.writeHead(status, ['Location', location, 'Content-Length', '0'])
  res.end()
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  sendText(res, 404, '404 page not found\n')
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  sendText(res, 405, 'Method Not Allowed\n')
}

/** The whole body, or undefined when it is larger than `limit`. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) over = true
      else chunks.push(c)
    })
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const body = await readLimited(req, 16 * 1024 * 1024)
  if (body === undefined) throw new HttpError(413, 'request body too large')
  if (body.length === 0) {
    if (optional) return undefined
    throw new HttpError(400, 'unable to parse request body: empty body')
  }
  try {
    return JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw new HttpError(400, `unable to parse request body: ${(err as Error).message}`)
  }
}

/** A small HTTP client for the async worker (the gateway's own calls, and callbacks). */
function plainRequest(opts: {
  url?: URL
  host?: string
  port?: number
  method: string
  path?: string
  headers: string[]
  body: Buffer
}): Promise<{status: number; headers: string[]; body: Buffer}> {
  return new Promise((resolve, reject) => {
    const u = opts.url
    const reqOpts = u
      ? {host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (u.protocol === 'https:' ? 443 : 80), path: u.pathname + u.search}
      : {host: opts.host, port: opts.port, path: opts.path}
    const send = (mod: typeof http) => {
      const r = mod.request({...reqOpts, method: opts.method, headers: opts.headers, agent: false}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.rawHeaders, body: Buffer.concat(chunks)}))
        res.on('error', reject)
      })
      r.on('error', reject)
      r.setTimeout(5 * 60_000, () => r.destroy(new Error('timed out')))
      r.end(opts.body)
    }
    if (u?.protocol === 'https:') {
      import('node:https').then((m) => send(m.default as unknown as typeof http), reject)
    } else {
      send(http)
    }
  })
}

