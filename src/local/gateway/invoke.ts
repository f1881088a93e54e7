/**
 * The synchronous function route, /function/<name>[.<ns>][/path] (runtime.md §3.1): the request
 * goes in-process to one replica's watchdog, with the headers the OpenFaaS gateway adds. No
 * credentials are needed, as in OpenFaaS; the admission rules (admission.ts) still apply.
 */
import {randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {nowUnixNanos} from '../clock.js'
import {decodePath} from '../watchdog/cgi-env.js'
import {sendText} from '../watchdog/respond.js'
import type {RequestContext} from '../watchdog/types.js'
import {DEFAULT_NAMESPACE} from './function-runtime.js'
import {notFound, redirect} from './http.js'
import type {GatewayMetrics} from './metrics.js'
import {parseFunctionRef} from './names.js'
import {cleanPath, escapePath, needsCleaning} from './paths.js'
import type {Registry} from './registry.js'

const FUNCTION_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])

export interface InvokeSettings {
  registry: Registry
  /** X-Served-By of every answer. */
  servedBy: string
  /** User-Agent given to a request that has none. */
  userAgent: string
  /** Prometheus counters (metrics.ts), when the metrics port is on. */
  metrics?: GatewayMetrics
  /**
   * True when the request's Authorization is the gateway's own basic auth. Such a header is
   * taken off before the function sees it: a browser that logged in to the portal sends it again
   * to any same-origin path that answers 401 with the gateway's realm, which a function can do.
   */
  ownCredentials?: (req: IncomingMessage) => boolean
}

/** `rest` is what follows `/function/` in the request target. */
export function invokeRoute(req: IncomingMessage, res: ServerResponse, rest: string, s: InvokeSettings): void {
  const q = rest.indexOf('?')
  const pathPart = q === -1 ? rest : rest.slice(0, q)
  const query = q === -1 ? '' : rest.slice(q + 1)
  if (needsCleaning(pathPart)) {
    req.resume()
    redirect(res, cleanPath('/function/' + pathPart) + (q === -1 ? '' : '?' + query))
    return
  }
  const slash = pathPart.indexOf('/')
  const ref = slash === -1 ? pathPart : pathPart.slice(0, slash)
  const target = parseFunctionRef(ref, DEFAULT_NAMESPACE)
  if (!target) {
    notFound(req, res)
    return
  }
  if (!FUNCTION_METHODS.has(req.method ?? '')) {
    req.resume()
    sendText(res, 405, 'Method Not Allowed\n')
    return
  }
  const {name, namespace} = target
  const fn = s.registry.get(namespace, name)
  if (!fn) {
    req.resume()
    sendText(res, 404, `error finding function ${name}.${namespace}: not found\n`, ['X-OpenFaaS-Internal', 'proxy'])
    return
  }
  if (s.ownCredentials && req.headers.authorization !== undefined && s.ownCredentials(req)) dropAuthorization(req)
  const sub = slash === -1 ? '/' : pathPart.slice(slash)
  const decoded = decodePath(sub)
  const h = req.headers
  // Behind the OpenFaaS gateway (provider mode) the call already carries the gateway's
  // X-Start-Time: the function gets that one alone, and the answer repeats it (faas-provider
  // proxies add none; only the gateway does).
  const given = h['x-start-time']
  const startNs = typeof given === 'string' && given !== '' ? given : nowUnixNanos().toString()
  const requestHeaders: string[] = given === undefined ? ['X-Start-Time', startNs] : []
  const responseHeaders: string[] = ['X-Start-Time', startNs, 'X-Served-By', s.servedBy]
  if (h['x-call-id'] === undefined) {
    const id = randomUUID()
    requestHeaders.push('X-Call-Id', id)
    responseHeaders.push('X-Call-Id', id)
  }
  if (h['x-forwarded-host'] === undefined && h.host !== undefined) requestHeaders.push('X-Forwarded-Host', h.host)
  if (h['x-forwarded-for'] === undefined) {
    requestHeaders.push('X-Forwarded-For', `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`)
  }
  if (h['user-agent'] === undefined) requestHeaders.push('User-Agent', s.userAgent)
  const ctx: RequestContext = {
    path: (sub.includes('%') ? escapePath(decoded) : sub) + (q === -1 ? '' : '?' + query),
    decodedPath: decoded,
    query,
    requestHeaders,
    responseHeaders,
    defaultContentType: h['content-type'] ?? 'text/plain',
  }
  if (s.metrics) s.metrics.track(fn, res)
  else res.once('finish', () => fn.invocations++)
  fn.load.track(res)
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

/** Takes the Authorization header off a request (both views of its headers). */
function dropAuthorization(req: IncomingMessage): void {
  const raw = req.rawHeaders
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i].toLowerCase() === 'authorization') raw.splice(i, 2)
  delete req.headers.authorization
}
