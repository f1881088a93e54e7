/** /system/secrets: list, create, update, delete (runtime.md §4). Values never appear in answers. */
import {asObject, HttpError, methodNotAllowed, readJson, sendEmpty, sendJson} from '../http.js'
import {checkName} from '../names.js'
import {existingNamespaceParam, namespaceOf, type RouteContext, type SystemRequest} from './context.js'

export async function secretsRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, query} = r
  const registry = ctx.registry
  if (method === 'GET') {
    req.resume()
    const ns = existingNamespaceParam(query, registry)
    return sendJson(res, 200, (await registry.listSecrets(ns)).map((name) => ({name, namespace: ns})))
  }
  if (method === 'POST' || method === 'PUT') {
    const {name, ns, value} = secretBody(await readJson(req), query)
    registry.requireNamespace(ns)
    const status = await registry.exclusive(() => registry.writeSecret(ns, name, value ?? Buffer.alloc(0), method === 'POST'))
    return sendEmpty(res, status)
  }
  if (method === 'DELETE') {
    const {name, ns} = secretBody(await readJson(req), query)
    registry.requireNamespace(ns)
    await registry.exclusive(() => registry.deleteSecret(ns, name))
    return sendEmpty(res, 200)
  }
  return methodNotAllowed(req, res)
}

function secretBody(body: unknown, query: URLSearchParams): {name: string; ns: string; value?: Buffer} {
  const b = asObject(body)
  if (b.name === undefined || b.name === '') throw new HttpError(400, 'secret name is required')
  const name = checkName('secret', b.name)
  const ns = namespaceOf(b.namespace, query)
  let value: Buffer | undefined
  if (typeof b.rawValue === 'string' && b.rawValue !== '') value = Buffer.from(b.rawValue, 'base64')
  else if (typeof b.value === 'string') value = Buffer.from(b.value, 'utf8')
  return {name, ns, value}
}
