/**
 * Reading and deleting functions: `list`, `describe`, `remove` and the parts of `ready`/`diff`
 * that read (spec §5.1).
 */
import {FaasError} from '../errors.js'
import {functionUrl} from '../config/gateway.js'
import type {GatewayClient} from './client.js'
import {unexpectedStatus} from './client.js'
import {expectStatus, namedItems, namespaceQuery, parseListBody, parseObjectBody, qualifiedName} from './http.js'
import type {FunctionStatus} from './types.js'

export type ListSort = 'name' | 'invocations' | 'creation' | string

/** GET /system/functions[?namespace=]: every function of the namespace, in the server's order. */
export async function fetchFunctions(client: GatewayClient, namespace?: string): Promise<FunctionStatus[]> {
  const res = await client.request('GET', '/system/functions', {query: namespaceQuery(namespace)})
  expectStatus(res, [200])
  return namedItems<FunctionStatus>(parseListBody(res, 'the function list'))
}

/** faas-cli's `--sort`: name (default), invocations (most first), creation (oldest first); anything else keeps the server's order. */
export function sortFunctions(list: FunctionStatus[], sort: ListSort = 'name'): FunctionStatus[] {
  const out = [...list]
  if (sort === 'name') out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  else if (sort === 'invocations') out.sort((a, b) => (b.invocationCount ?? 0) - (a.invocationCount ?? 0))
  else if (sort === 'creation') out.sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? ''))
  return out
}

export async function listFunctions(client: GatewayClient, options: {namespace?: string; sort?: ListSort} = {}): Promise<FunctionStatus[]> {
  return sortFunctions(await fetchFunctions(client, options.namespace), options.sort ?? 'name')
}

/** GET /system/function/<name>: one function, or a "No such function" error on 404. */
export async function fetchFunction(client: GatewayClient, name: string, namespace?: string, usage = true): Promise<FunctionStatus | undefined> {
  const res = await client.request('GET', `/system/function/${encodeURIComponent(name)}`, {query: {namespace: namespace || undefined, usage: usage ? '1' : undefined}})
  if (res.status === 404) return undefined
  expectStatus(res, [200])
  return parseObjectBody<FunctionStatus>(res, `function ${name}`)
}

export interface FunctionDescription extends FunctionStatus {
  Status: 'Ready' | 'Not Ready'
  InvocationCount: number
  URL: string
  AsyncURL: string
}

/** `describe`: the function, its invocation count from the list (the single-function route has none), its URLs. */
export async function describeFunction(client: GatewayClient, name: string, namespace?: string): Promise<FunctionDescription> {
  const fn = await fetchFunction(client, name, namespace)
  if (!fn) {
    throw new FaasError(`No such function: ${name}`, {hint: `Check the name and namespace${namespace ? '' : ' (pass -n for a namespace other than the default)'}; "faas list" shows what is deployed.`})
  }
  const list = await fetchFunctions(client, namespace)
  const listed = list.find((f) => f.name === fn.name)
  const invocations = Math.trunc(listed?.invocationCount ?? fn.invocationCount ?? 0)
  return {
    ...fn,
    Status: (fn.availableReplicas ?? 0) > 0 ? 'Ready' : 'Not Ready',
    InvocationCount: invocations,
    URL: functionUrl(client.gateway, fn.name, namespace),
    AsyncURL: functionUrl(client.gateway, fn.name, namespace, true),
  }
}

export interface RemoveResult {
  name: string
  namespace?: string
  ok: boolean
  status?: number
  /** The one-line message for a failure. */
  error?: string
  hint?: string
}

/** DELETE /system/functions {functionName, namespace?}. Never throws for HTTP statuses; transport errors propagate. */
export async function removeFunction(client: GatewayClient, name: string, namespace?: string): Promise<RemoveResult> {
  const body: {functionName: string; namespace?: string} = {functionName: name}
  if (namespace) body.namespace = namespace
  const res = await client.request('DELETE', '/system/functions', {json: body})
  if (res.status === 200 || res.status === 201 || res.status === 202) return {name, namespace, ok: true, status: res.status}
  if (res.status === 404) {
    return {name, namespace, ok: false, status: 404, error: `No existing function to remove: ${qualifiedName(name, namespace)}`, hint: 'Check the name and namespace; "faas list" shows what is deployed.'}
  }
  const err = unexpectedStatus(res)
  return {name, namespace, ok: false, status: res.status, error: err.message, hint: err.hint}
}
