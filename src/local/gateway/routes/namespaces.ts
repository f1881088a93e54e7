/** /system/namespaces and /system/namespace/<name>: list, get, create, update, delete. */
import type {FunctionNamespace} from '../../../gateway/types.js'
import {decodePath} from '../../watchdog/cgi-env.js'
import {HttpError, methodNotAllowed, readJson, sendEmpty, sendJson, stringMap} from '../http.js'
import {checkName} from '../names.js'
import type {RouteContext, SystemRequest} from './context.js'

export function namespacesRoute(r: SystemRequest, ctx: RouteContext): void {
  if (r.method !== 'GET') return methodNotAllowed(r.req, r.res)
  r.req.resume()
  sendJson(r.res, 200, ctx.registry.namespaceNames())
}

export async function namespaceRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, pathname} = r
  const registry = ctx.registry
  const fromPath = decodePath(pathname.slice('/system/namespace/'.length))
  if (method === 'GET') {
    req.resume()
    const ns = registry.namespace(checkName('namespace', fromPath))
    if (!ns) throw new HttpError(404, `namespace ${fromPath} not found`)
    return sendJson(res, 200, ns)
  }
  if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') return methodNotAllowed(req, res)
  const body = (await readJson(req, true)) as Partial<FunctionNamespace> | undefined
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new HttpError(400, 'unable to parse request body: expected a JSON object')
  }
  const name = checkName('namespace', fromPath || body?.name)
  const labels = stringMap(body?.labels, 'labels') ?? Object.create(null)
  const annotations = stringMap(body?.annotations, 'annotations') ?? Object.create(null)
  const status = await registry.exclusive(async () => {
    if (method === 'DELETE') {
      await registry.removeNamespace(name)
      return 202
    }
    return registry.saveNamespace(name, method === 'POST', labels, annotations)
  })
  return sendEmpty(res, status)
}
