/**
 * The order every request of the embedded gateway goes through:
 *   1. admission (admission.ts): wrong Host, another site's browser, non-JSON /system writes → 403;
 *   2. function routes, /healthz: open, as in OpenFaaS;
 *   3. basic auth (auth.ts) for /system/* and the portal → 401;
 *   4. the provider API routes (routes/), the portal.
 * Errors become their status; an unexpected one is logged and answered with a generic 500, so no
 * host path or stack reaches a client.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {sendText} from '../watchdog/respond.js'
import {type AdmissionPolicy, refusal} from './admission.js'
import type {AsyncQueue} from './async-queue.js'
import {type Authorizer, needsCredentials, UNAUTHORIZED_HEADERS} from './auth.js'
import {HttpError, notFound, redirect} from './http.js'
import {invokeRoute, type InvokeSettings} from './invoke.js'
import {portalRoute} from './portal.js'
import type {RouteContext, SystemRequest} from './routes/context.js'
import {describeRoute, functionsRoute, scaleRoute} from './routes/functions.js'
import {infoRoute} from './routes/info.js'
import {logsRoute} from './routes/logs.js'
import {namespaceRoute, namespacesRoute} from './routes/namespaces.js'
import {secretsRoute} from './routes/secrets.js'
import {TOPIC_PREFIX, topicRoute} from './routes/topic.js'

type SystemHandler = (r: SystemRequest, ctx: RouteContext) => void | Promise<void>

const EXACT = new Map<string, SystemHandler>([
  ['/system/functions', functionsRoute],
  ['/system/secrets', secretsRoute],
  ['/system/logs', logsRoute],
  ['/system/info', infoRoute],
  ['/system/namespaces', namespacesRoute],
])

const PREFIXED: Array<[string, SystemHandler]> = [
  ['/system/function/', describeRoute],
  ['/system/scale-function/', scaleRoute],
  ['/system/namespace/', namespaceRoute],
  [TOPIC_PREFIX, topicRoute],
]

export interface RouterDeps {
  admission: AdmissionPolicy
  authorized: Authorizer
  invoke: InvokeSettings
  queue: AsyncQueue
  context: RouteContext
}

export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    req.resume()
    if (err instanceof HttpError) {
      sendText(res, err.status, err.message + '\n', err.headers)
      return
    }
    deps.context.log(`internal error on ${req.method} ${(req.url ?? '').split('?')[0].slice(0, 200)}: ${(err as Error)?.stack ?? String(err)}`)
    sendText(res, 500, 'internal error of the faas gateway (see its log)\n')
  }

  return (req, res) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    const refused = refusal(deps.admission, req, pathname)
    if (refused) {
      // nothing of the request is read or acted on
      sendText(res, 403, refused + '\n', ['Connection', 'close'])
      return
    }
    try {
      if (url.startsWith('/function/')) return invokeRoute(req, res, url.slice('/function/'.length), deps.invoke)
      if (url.startsWith('/async-function/')) {
        deps.queue.route(req, res, url.slice('/async-function/'.length)).catch((err) => fail(req, res, err))
        return
      }
      if (pathname === '/healthz') {
        req.resume()
        return sendText(res, 200, 'OK')
      }
      if (pathname === '/') {
        req.resume()
        return redirect(res, '/ui/', 307)
      }
      if (needsCredentials(pathname) && !deps.authorized(req)) {
        req.resume()
        return sendText(res, 401, 'invalid credentials', UNAUTHORIZED_HEADERS)
      }
      if (pathname === '/ui' || pathname.startsWith('/ui/')) return portalRoute(req, res, pathname, deps.context)
      const handler = systemHandler(pathname)
      if (!handler) return notFound(req, res)
      const r: SystemRequest = {req, res, method: req.method ?? 'GET', pathname, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1))}
      const done = handler(r, deps.context)
      if (done) done.catch((err) => fail(req, res, err))
    } catch (err) {
      fail(req, res, err)
    }
  }
}

function systemHandler(pathname: string): SystemHandler | undefined {
  const exact = EXACT.get(pathname)
  if (exact) return exact
  if (pathname === '/system/namespace') return namespaceRoute
  for (const [prefix, handler] of PREFIXED) if (pathname.startsWith(prefix)) return handler
  return undefined
}
