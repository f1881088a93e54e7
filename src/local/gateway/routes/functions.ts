/**
 * /system/functions (list, deploy, update, delete), /system/function/<name> (describe) and
 * /system/scale-function/<name>: the provider API of runtime.md §4 over the registry.
 */
import type {FunctionDeployment, FunctionStatus} from '../../../gateway/types.js'
import {decodePath} from '../../watchdog/cgi-env.js'
import type {FunctionRuntime} from '../function-runtime.js'
import {asObject, HttpError, methodNotAllowed, readJson, sendEmpty, sendJson, stringMap} from '../http.js'
import {checkName} from '../names.js'
import {MAX_REPLICAS} from '../registry.js'
import {existingNamespaceParam, namespaceOf, namespaceParam, type RouteContext, type SystemRequest} from './context.js'

export async function functionsRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, query} = r
  const registry = ctx.registry
  if (method === 'GET') {
    req.resume()
    const ns = existingNamespaceParam(query, registry)
    const list: FunctionStatus[] = []
    for (const fn of registry.inNamespace(ns)) list.push(await statusOf(fn, false))
    return sendJson(res, 200, list)
  }
  if (method === 'POST' || method === 'PUT') {
    const d = parseDeployment(await readJson(req))
    const outcome = await registry.exclusive(() => registry.deploy(d, method === 'PUT'))
    for (const w of outcome.warnings) ctx.log(`${d.service}: warning: ${w}`)
    // RFC 9110's Warning header, as Kubernetes uses it, and the same lines as the body
    const headers = outcome.warnings.flatMap((w) => ['Warning', `299 faas-gateway ${JSON.stringify(w).replace(/[^\x20-\x7e]/g, '?')}`])
    const body = outcome.warnings.map((w) => `Warning: ${w}\n`).join('')
    if (body) return sendTextAnswer(res, outcome.status, body, headers)
    return sendEmpty(res, outcome.status)
  }
  if (method === 'DELETE') {
    const body = asObject(await readJson(req))
    if (body.functionName === undefined || body.functionName === '') throw new HttpError(400, 'functionName is required')
    const name = checkName('function', body.functionName)
    const ns = namespaceOf(body.namespace, query)
    await registry.exclusive(() => registry.remove(ns, name))
    return sendEmpty(res, 200)
  }
  return methodNotAllowed(req, res)
}

export async function describeRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, pathname, query} = r
  if (method !== 'GET') return methodNotAllowed(req, res)
  req.resume()
  const name = checkName('function', decodePath(pathname.slice('/system/function/'.length)))
  const fn = ctx.registry.get(namespaceParam(query), name)
  if (!fn) return sendEmpty(res, 404)
  return sendJson(res, 200, await statusOf(fn, true))
}

export async function scaleRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, pathname, query} = r
  if (method !== 'POST' && method !== 'PUT') return methodNotAllowed(req, res)
  const name = checkName('function', decodePath(pathname.slice('/system/scale-function/'.length)))
  const body = asObject(await readJson(req))
  const ns = query.get('namespace') ? namespaceParam(query) : namespaceOf(body.namespace, query)
  const replicas = Number(body.replicas ?? 0)
  if (!Number.isInteger(replicas) || replicas < 0) throw new HttpError(400, 'replicas must be a whole number, 0 or more')
  if (replicas > MAX_REPLICAS) throw new HttpError(400, `replicas must be at most ${MAX_REPLICAS} on the local gateway`)
  await ctx.registry.exclusive(() => ctx.registry.scale(ns, name, replicas))
  return sendEmpty(res, 200)
}

function sendTextAnswer(res: SystemRequest['res'], status: number, body: string, headers: string[]): void {
  res.writeHead(status, [...headers, 'Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))])
  res.end(body)
}

/** The deploy body: types checked, every name checked, maps without prototypes. */
export function parseDeployment(body: unknown): FunctionDeployment {
  const b = asObject(body)
  const str = (k: string) => {
    const v = b[k]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') throw new HttpError(400, `${k} must be a string`)
    return v
  }
  const list = (k: string) => {
    const v = b[k]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v)) throw new HttpError(400, `${k} must be a list of strings`)
    return v.map((x) => String(x))
  }
  const service = str('service')
  if (!service) throw new HttpError(400, 'service is required')
  checkName('function', service)
  const image = str('image')
  if (!image) throw new HttpError(400, 'image is required')
  const d: FunctionDeployment = {service, image, labels: stringMap(b.labels, 'labels')!, annotations: stringMap(b.annotations, 'annotations')!}
  if (d.labels === undefined) delete (d as Partial<FunctionDeployment>).labels
  if (d.annotations === undefined) delete (d as Partial<FunctionDeployment>).annotations
  // optional fields, in wire order: empty strings are left out, empty maps and lists kept
  const namespace = str('namespace')
  if (namespace) d.namespace = checkName('namespace', namespace)
  const envProcess = str('envProcess')
  if (envProcess) d.envProcess = envProcess
  const envVars = stringMap(b.envVars, 'envVars')
  if (envVars) d.envVars = envVars
  const constraints = list('constraints')
  if (constraints) d.constraints = constraints
  const secrets = list('secrets')
  if (secrets) d.secrets = secrets.map((s) => checkName('secret', s))
  const limits = stringMap(b.limits, 'limits')
  if (limits) d.limits = limits
  const requests = stringMap(b.requests, 'requests')
  if (requests) d.requests = requests
  if (b.readOnlyRootFilesystem === true) d.readOnlyRootFilesystem = true
  return d
}

async function statusOf(fn: FunctionRuntime, usage: boolean): Promise<FunctionStatus> {
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
