/**
 * A loopback OpenFaaS gateway for tests: a real node:http server that answers the provider REST
 * API (spec §5, runtime.md §4) from in-memory state, records every request it receives, and can
 * be told to misbehave (status codes, slowness, connection resets before the headers or in the
 * middle of the body, malformed JSON) so the CLI's failure handling is tested against real
 * sockets.
 *
 *   const gw = await startTestGateway({auth: 'admin:secret', functions: [{name: 'figlet', image: 'x'}]})
 *   gw.fault({method: 'GET', path: '/system/functions', status: 500, times: 1})
 *   ... run the CLI with -g gw.url ...
 *   assert.equal(gw.requests[0].path, '/system/functions')
 *   await gw.close()
 */
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'

import type {FunctionDeployment, FunctionNamespace, FunctionStatus, LogMessage} from '../../src/gateway/types.js'

export type {FunctionStatus, LogMessage}

export const DEFAULT_NAMESPACE = 'openfaas-fn'

export interface RecordedRequest {
  method: string
  path: string
  /** The raw query string without `?` ('' when none). */
  query: string
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** The body parsed as JSON when it is JSON. */
  json?: unknown
  /** When the request arrived (ms since epoch). */
  at: number
}

export interface Fault {
  method?: string
  /** Exact path, or a RegExp tested against the path. Any path when omitted. */
  path?: string | RegExp
  /** Answer with this status (and `body`, default the status text) instead of the real handler. */
  status?: number
  body?: string
  /** Wait this long before answering (the real answer, or the fault's). */
  delayMs?: number
  /** Destroy the connection before any header is sent, or after part of the body was sent. */
  reset?: 'before-headers' | 'mid-body'
  /** How many requests the fault applies to (default: all). */
  times?: number
  /** Answer the real status with a JSON body cut in half. */
  malformedJson?: boolean
}

export interface InvocationContext {
  name: string
  namespace: string
  async: boolean
  /** The path after /function/<name> ('' or '/…'). */
  rest: string
  body: Buffer
}

export type InvocationHandler = (req: http.IncomingMessage, res: http.ServerResponse, ctx: InvocationContext) => void | Promise<void>

export interface TestGatewayOptions {
  /** "user:pass": Basic auth required on /system/*. */
  auth?: string
  /** A bearer token accepted on /system/* (in addition to `auth` when both are set). */
  bearer?: string
  functions?: Partial<FunctionStatus>[]
  secrets?: {name: string; namespace?: string; value?: string}[]
  namespaces?: string[]
  info?: unknown
  /** Added to every request. */
  latencyMs?: number
  /** Log messages served by /system/logs (more can be pushed with `pushLog`). */
  logs?: LogMessage[]
  /** With follow=true, end the log stream after this many ms (real gateways end it after ~30 s). */
  followCloseAfterMs?: number
  /** Answer namespace create/update/delete with 501, as faas-provider does by default. */
  namespaceMutationUnsupported?: boolean
  /** Status answered to DELETE /system/secrets (spec 204, faasd 200). Default 200. */
  secretDeleteStatus?: number
  /** Keep request bodies in `requests` (default true; turn off for very large bodies). */
  recordBodies?: boolean
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: {key: string | Buffer; cert: string | Buffer}
}

export interface TestGateway {
  url: string
  port: number
  requests: RecordedRequest[]
  fault(f: Fault): void
  clearFaults(): void
  clearRequests(): void
  close(): Promise<void>
  /** Deployed functions, keyed `<namespace>/<name>`. */
  functions: Map<string, FunctionStatus>
  /** Secrets with their values, keyed `<namespace>/<name>`. */
  secrets: Map<string, {name: string; namespace: string; value: string; rawValue?: string}>
  namespaces: Map<string, FunctionNamespace>
  getFunction(name: string, namespace?: string): FunctionStatus | undefined
  setFunction(f: Partial<FunctionStatus> & {name: string}): void
  /** The log feed: messages served to /system/logs; pushed ones reach open follow streams. */
  logs: LogMessage[]
  pushLog(msg: LogMessage): void
  /** Replace the handler of /function/* and /async-function/* (default: echo the body). */
  onInvoke(handler: InvocationHandler): void
  /** Serve a static document at a path (store indexes, remote stack files). */
  serve(path: string, body: string | Buffer | object, contentType?: string): void
  /** Requests whose path starts with /system/ (leaves out store/file GETs and invocations). */
  systemRequests(): RecordedRequest[]
}

const FIXED_CREATED_AT = '2024-01-01T00:00:00Z'

function omitEmpty<T extends object>(o: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    if (Array.isArray(v) && v.length === 0) continue
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue
    out[k] = v
  }
  return out as T
}

function statusFrom(f: Partial<FunctionStatus> & {name: string}, namespace: string): FunctionStatus {
  const replicas = f.replicas ?? 1
  return omitEmpty({
    name: f.name,
    image: f.image ?? `${f.name}:latest`,
    namespace,
    envProcess: f.envProcess,
    envVars: f.envVars,
    constraints: f.constraints,
    secrets: f.secrets,
    labels: f.labels,
    annotations: f.annotations,
    limits: f.limits,
    requests: f.requests,
    readOnlyRootFilesystem: f.readOnlyRootFilesystem,
    invocationCount: f.invocationCount ?? 0,
    replicas,
    availableReplicas: f.availableReplicas ?? replicas,
    createdAt: f.createdAt ?? FIXED_CREATED_AT,
    usage: f.usage,
  }) as FunctionStatus
}

function parseJson(buf: Buffer): unknown {
  if (!buf.length) return undefined
  const first = buf.subarray(0, 64).toString('utf8').trimStart()[0]
  if (first !== '{' && first !== '[' && first !== '"') return undefined
  try {
    return JSON.parse(buf.toString('utf8'))
  } catch {
    return undefined
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer | object
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const requests: RecordedRequest[] = []
  let faults: (Fault & {left: number})[] = []
  const functions = new Map<string, FunctionStatus>()
  const secrets = new Map<string, {name: string; namespace: string; value: string; rawValue?: string}>()
  const namespaces = new Map<string, FunctionNamespace>()
  const statics = new Map<string, {body: Buffer; contentType: string}>()
  const logs: LogMessage[] = [...(opts.logs ?? [])]
  const followers = new Set<(msg: LogMessage) => void>()
  const sockets = new Set<Socket>()
  const recordBodies = opts.recordBodies ?? true
  let invoke: InvocationHandler = defaultInvoke

  for (const f of opts.functions ?? []) {
    const ns = f.namespace || DEFAULT_NAMESPACE
    functions.set(`${ns}/${f.name}`, statusFrom({...f, name: f.name ?? 'fn'}, ns))
  }
  for (const s of opts.secrets ?? []) {
    const ns = s.namespace || DEFAULT_NAMESPACE
    secrets.set(`${ns}/${s.name}`, {name: s.name, namespace: ns, value: s.value ?? 'x'})
  }
  for (const name of opts.namespaces ?? [DEFAULT_NAMESPACE]) {
    namespaces.set(name, {name, labels: {openfaas: '1'}, annotations: {openfaas: '1'}})
  }

  function defaultInvoke(_req: http.IncomingMessage, res: http.ServerResponse, ctx: InvocationContext): void {
    if (ctx.async) {
      res.writeHead(202, {'X-Call-Id': `call-${requests.length}`, 'Content-Length': '0'})
      res.end()
      return
    }
    res.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(ctx.body.length), 'X-Duration-Seconds': '0.001'})
    res.end(ctx.body)
  }

  function matchFault(method: string, path: string): (Fault & {left: number}) | undefined {
    for (const f of faults) {
      if (f.left <= 0) continue
      if (f.method && f.method.toUpperCase() !== method) continue
      if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== path : !f.path.test(path))) continue
      f.left--
      return f
    }
    return undefined
  }

  function checkAuth(req: http.IncomingMessage): boolean {
    if (!opts.auth && !opts.bearer) return true
    const h = req.headers.authorization ?? ''
    if (opts.auth && h === `Basic ${Buffer.from(opts.auth).toString('base64')}`) return true
    if (opts.bearer && h === `Bearer ${opts.bearer}`) return true
    return false
  }

  function logsFor(url: URL): LogMessage[] {
    const name = url.searchParams.get('name')
    const ns = url.searchParams.get('namespace') || DEFAULT_NAMESPACE
    const instance = url.searchParams.get('instance')
    const since = url.searchParams.get('since')
    const sinceMs = since ? Date.parse(since) : Number.NaN
    let out = logs.filter((m) => m.name === name && (m.namespace || DEFAULT_NAMESPACE) === ns && (!instance || m.instance === instance))
    if (!Number.isNaN(sinceMs)) out = out.filter((m) => Date.parse(m.timestamp) >= sinceMs)
    const tail = Number(url.searchParams.get('tail') ?? '0')
    if (tail > 0) out = out.slice(-tail)
    return out
  }

  function handleSystem(req: http.IncomingMessage, url: URL, body: Buffer): Reply | 'logs' {
    const p = url.pathname
    const json = parseJson(body) as Record<string, unknown> | undefined
    if (!checkAuth(req)) return {status: 401, headers: {'WWW-Authenticate': 'Basic realm="Restricted"'}, body: 'Unauthorized\n'}
    if (p === '/system/info' && req.method === 'GET') {
      return {status: 200, body: opts.info ?? {
        provider: {provider: 'faas-test', orchestration: 'memory', version: {sha: 'f00dfacef00dfacef00dfacef00dfacef00dface', release: '0.1.0'}},
        version: {commit_message: 'test gateway', sha: 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff', release: '0.27.0'},
        arch: 'x86_64',
      }}
    }
    if (p === '/system/functions') {
      if (req.method === 'GET') {
        const ns = url.searchParams.get('namespace') || DEFAULT_NAMESPACE
        return {status: 200, body: [...functions.values()].filter((f) => (f.namespace || DEFAULT_NAMESPACE) === ns)}
      }
      if (req.method === 'POST' || req.method === 'PUT') {
        const d = json as unknown as FunctionDeployment | undefined
        if (!d || !d.service || !d.image) return {status: 400, body: 'service and image are required\n'}
        const ns = d.namespace || DEFAULT_NAMESPACE
        if (!namespaces.has(ns)) return {status: 400, body: `namespace ${ns} is not valid\n`}
        const key = `${ns}/${d.service}`
        const existing = functions.get(key)
        if (req.method === 'PUT' && !existing) return {status: 404, body: `function: ${d.service}.${ns} not found\n`}
        if (req.method === 'POST' && existing) return {status: 400, body: `function ${d.service} already exists\n`}
        functions.set(key, statusFrom({
          name: d.service, image: d.image, envProcess: d.envProcess, envVars: d.envVars, constraints: d.constraints,
          secrets: d.secrets, labels: d.labels, annotations: d.annotations, limits: d.limits, requests: d.requests,
          readOnlyRootFilesystem: d.readOnlyRootFilesystem, invocationCount: existing?.invocationCount,
          replicas: existing?.replicas, createdAt: existing?.createdAt ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        }, ns))
        return {status: req.method === 'POST' ? 202 : 200, body: ''}
      }
      if (req.method === 'DELETE') {
        const name = json?.functionName as string | undefined
        if (!name) return {status: 400, body: 'functionName is required\n'}
        const ns = (json?.namespace as string) || url.searchParams.get('namespace') || DEFAULT_NAMESPACE
        if (!functions.delete(`${ns}/${name}`)) return {status: 404, body: `function ${name} not found\n`}
        return {status: 200, body: ''}
      }
      return {status: 405, body: 'method not allowed\n'}
    }
    let m: RegExpExecArray | null
    if ((m = /^\/system\/function\/([^/]+)$/.exec(p)) && req.method === 'GET') {
      const ns = url.searchParams.get('namespace') || DEFAULT_NAMESPACE
      const fn = functions.get(`${ns}/${decodeURIComponent(m[1])}`)
      if (!fn) return {status: 404, body: `function ${m[1]} not found\n`}
      const out: FunctionStatus = {...fn}
      if (url.searchParams.get('usage') === '1') out.usage = fn.usage ?? {cpu: 2, totalMemoryBytes: 10_485_760}
      return {status: 200, body: out}
    }
    if ((m = /^\/system\/scale-function\/([^/]+)$/.exec(p)) && req.method === 'POST') {
      const ns = url.searchParams.get('namespace') || (json?.namespace as string) || DEFAULT_NAMESPACE
      const fn = functions.get(`${ns}/${decodeURIComponent(m[1])}`)
      if (!fn) return {status: 404, body: `function ${m[1]} not found\n`}
      if (typeof json?.replicas === 'number') {
        fn.replicas = json.replicas
        fn.availableReplicas = json.replicas
      }
      return {status: 202, body: ''}
    }
    if (p === '/system/logs' && req.method === 'GET') {
      const name = url.searchParams.get('name')
      if (!name) return {status: 400, body: 'name is required\n'}
      const ns = url.searchParams.get('namespace') || DEFAULT_NAMESPACE
      if (!functions.has(`${ns}/${name}`)) return {status: 404, body: `function ${name} not found\n`}
      return 'logs'
    }
    if (p === '/system/secrets') {
      const ns = url.searchParams.get('namespace') || (json?.namespace as string) || DEFAULT_NAMESPACE
      if (req.method === 'GET') {
        return {status: 200, body: [...secrets.values()].filter((s) => s.namespace === ns).map((s) => ({name: s.name, namespace: s.namespace}))}
      }
      const name = json?.name as string | undefined
      if (!name) return {status: 400, body: 'name is required\n'}
      const key = `${ns}/${name}`
      const value = typeof json?.rawValue === 'string' ? Buffer.from(json.rawValue, 'base64').toString('utf8') : String(json?.value ?? '')
      if (req.method === 'POST') {
        if (secrets.has(key)) return {status: 409, body: `secret ${name} already exists\n`}
        secrets.set(key, {name, namespace: ns, value, rawValue: json?.rawValue as string | undefined})
        return {status: 201, body: ''}
      }
      if (req.method === 'PUT') {
        if (!secrets.has(key)) return {status: 404, body: `secret ${name} not found\n`}
        secrets.set(key, {name, namespace: ns, value, rawValue: json?.rawValue as string | undefined})
        return {status: 200, body: ''}
      }
      if (req.method === 'DELETE') {
        if (!secrets.delete(key)) return {status: 404, body: `secret ${name} not found\n`}
        return {status: opts.secretDeleteStatus ?? 200, body: ''}
      }
      return {status: 405, body: 'method not allowed\n'}
    }
    if (p === '/system/namespaces' && req.method === 'GET') return {status: 200, body: [...namespaces.keys()]}
    if ((m = /^\/system\/namespace\/([^/]*)$/.exec(p))) {
      const name = decodeURIComponent(m[1]) || (json?.name as string) || ''
      if (req.method !== 'GET' && opts.namespaceMutationUnsupported) return {status: 501, body: 'Feature not implemented in this version of OpenFaaS\n'}
      if (req.method === 'GET') {
        const ns = namespaces.get(name)
        return ns ? {status: 200, body: ns} : {status: 404, body: `namespace ${name} not found\n`}
      }
      if (req.method === 'POST') {
        if (!name) return {status: 400, body: 'name is required\n'}
        if (namespaces.has(name)) return {status: 409, body: `namespace ${name} already exists\n`}
        namespaces.set(name, omitEmpty({name, labels: json?.labels as Record<string, string>, annotations: json?.annotations as Record<string, string>}))
        return {status: 201, body: ''}
      }
      if (req.method === 'PUT') {
        if (!namespaces.has(name)) return {status: 404, body: `namespace ${name} not found\n`}
        namespaces.set(name, omitEmpty({name, labels: json?.labels as Record<string, string>, annotations: json?.annotations as Record<string, string>}))
        return {status: 202, body: ''}
      }
      if (req.method === 'DELETE') {
        if (!namespaces.delete(name)) return {status: 404, body: `namespace ${name} not found\n`}
        return {status: 202, body: ''}
      }
    }
    return {status: 404, body: 'not found\n'}
  }

  function send(res: http.ServerResponse, reply: Reply, fault?: Fault): void {
    let payload: Buffer
    const headers: Record<string, string> = {...reply.headers}
    if (reply.body !== undefined && typeof reply.body !== 'string' && !Buffer.isBuffer(reply.body)) {
      payload = Buffer.from(JSON.stringify(reply.body))
      headers['Content-Type'] ??= 'application/json'
    } else {
      payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '')
      if (payload.length) headers['Content-Type'] ??= 'text/plain; charset=utf-8'
    }
    if (fault?.malformedJson) {
      headers['Content-Type'] = 'application/json'
      const text = payload.length > 2 ? payload.subarray(0, Math.ceil(payload.length / 2)) : Buffer.from('{"name": ')
      payload = Buffer.concat([text, Buffer.from('\u0000}{')])
    }
    if (fault?.reset === 'mid-body') {
      // announce the full length, send half, then drop the connection
      headers['Content-Length'] = String(Math.max(payload.length, 2) * 2)
      res.writeHead(reply.status, headers)
      res.write(payload.length ? payload.subarray(0, Math.ceil(payload.length / 2)) : Buffer.from('{'), () => {
        setTimeout(() => res.socket?.destroy(), 10)
      })
      return
    }
    headers['Content-Length'] = String(payload.length)
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  function streamLogs(req: http.IncomingMessage, res: http.ServerResponse, url: URL, fault?: Fault): void {
    const follow = url.searchParams.get('follow') === 'true'
    const name = url.searchParams.get('name')
    const ns = url.searchParams.get('namespace') || DEFAULT_NAMESPACE
    const instance = url.searchParams.get('instance')
    res.writeHead(200, {'Content-Type': 'application/x-ndjson'})
    const initial = logsFor(url)
    if (fault?.reset === 'mid-body') {
      const half = initial.slice(0, Math.ceil(initial.length / 2))
      res.write(half.map((m) => JSON.stringify(m) + '\n').join(''), () => setTimeout(() => res.socket?.destroy(), 10))
      return
    }
    if (initial.length) res.write(initial.map((m) => JSON.stringify(m) + '\n').join(''))
    if (!follow) {
      res.end()
      return
    }
    const listener = (msg: LogMessage) => {
      if (msg.name !== name || (msg.namespace || DEFAULT_NAMESPACE) !== ns || (instance && msg.instance !== instance)) return
      res.write(JSON.stringify(msg) + '\n')
    }
    followers.add(listener)
    const stop = () => {
      followers.delete(listener)
      clearTimeout(timer)
      if (!res.writableEnded) res.end()
    }
    const timer = opts.followCloseAfterMs ? setTimeout(stop, opts.followCloseAfterMs) : undefined
    req.socket.once('close', stop)
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway.test')
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search ? url.search.slice(1) : '',
      headers: req.headers,
      body: recordBodies ? body : Buffer.alloc(0),
      json: recordBodies ? parseJson(body) : undefined,
      at: Date.now(),
    })
    if (opts.latencyMs) await sleep(opts.latencyMs)
    const fault = matchFault(req.method ?? 'GET', url.pathname)
    if (fault?.delayMs) await sleep(fault.delayMs)
    if (fault?.reset === 'before-headers') {
      req.socket.destroy()
      return
    }
    if (fault?.status !== undefined) {
      send(res, {status: fault.status, body: fault.body ?? `${http.STATUS_CODES[fault.status] ?? 'error'}\n`}, fault)
      return
    }
    const p = url.pathname
    if (p === '/healthz') return send(res, {status: 200, body: 'OK'}, fault)
    const file = statics.get(p)
    if (file && req.method === 'GET') return send(res, {status: 200, headers: {'Content-Type': file.contentType}, body: file.body}, fault)
    if (p.startsWith('/system/')) {
      const reply = handleSystem(req, url, body)
      if (reply === 'logs') return streamLogs(req, res, url, fault)
      return send(res, reply, fault)
    }
    const m = /^\/(async-function|function)\/([^/]+)(\/.*)?$/.exec(p)
    if (m) {
      const full = decodeURIComponent(m[2])
      const dot = full.indexOf('.')
      const name = dot < 0 ? full : full.slice(0, dot)
      const namespace = dot < 0 ? DEFAULT_NAMESPACE : full.slice(dot + 1)
      const fn = functions.get(`${namespace}/${name}`)
      if (!fn) return send(res, {status: 404, body: `Cannot find service: ${name}.\n`}, fault)
      fn.invocationCount = (fn.invocationCount ?? 0) + 1
      const ctx: InvocationContext = {name, namespace, async: m[1] === 'async-function', rest: m[3] ?? '', body}
      if (fault?.reset === 'mid-body' || fault?.malformedJson) {
        return send(res, {status: 200, body: body.length ? body : Buffer.from('hello world')}, fault)
      }
      await invoke(req, res, ctx)
      return
    }
    return send(res, {status: 404, body: 'not found\n'}, fault)
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      try {
        if (!res.headersSent) send(res, {status: 500, body: String((error as Error)?.stack ?? error)})
        else res.destroy()
      } catch {
        // the socket is gone already
      }
    })
  }
  const server = opts.tls ? https.createServer({key: opts.tls.key, cert: opts.tls.cert}, listener) : http.createServer(listener)
  server.on(opts.tls ? 'secureConnection' : 'connection', (s) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const port = (server.address() as AddressInfo).port

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    functions,
    secrets,
    namespaces,
    logs,
    fault(f: Fault) {
      faults.push({...f, left: f.times ?? Number.POSITIVE_INFINITY})
    },
    clearFaults() {
      faults = []
    },
    clearRequests() {
      requests.length = 0
    },
    getFunction(name: string, namespace = DEFAULT_NAMESPACE) {
      return functions.get(`${namespace}/${name}`)
    },
    setFunction(f) {
      const ns = f.namespace || DEFAULT_NAMESPACE
      functions.set(`${ns}/${f.name}`, statusFrom(f, ns))
    },
    pushLog(msg: LogMessage) {
      logs.push(msg)
      for (const listener of followers) listener(msg)
    },
    onInvoke(handler: InvocationHandler) {
      invoke = handler
    },
    serve(path: string, body: string | Buffer | object, contentType?: string) {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
      statics.set(path, {body: buf, contentType: contentType ?? (typeof body === 'object' && !Buffer.isBuffer(body) ? 'application/json' : 'text/plain; charset=utf-8')})
    },
    systemRequests() {
      return requests.filter((r) => r.path.startsWith('/system/'))
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
    },
  }
}

/** Log messages for tests: `count` lines of one function, one second apart from `start`. */
export function makeLogs(name: string, count: number, options: {namespace?: string; start?: string; instance?: string} = {}): LogMessage[] {
  const start = Date.parse(options.start ?? '2024-01-01T10:00:00Z')
  const out: LogMessage[] = []
  for (let i = 0; i < count; i++) {
    out.push({
      name,
      namespace: options.namespace ?? DEFAULT_NAMESPACE,
      instance: options.instance ?? `${name}-7d9c8b6f5-x${i % 2}`,
      timestamp: new Date(start + i * 1000).toISOString(),
      text: `${name} log line ${i + 1}`,
    })
  }
  return out
}
