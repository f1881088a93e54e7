/**
 * `namespace list|get|create|update|remove` (spec §5.1), with the Go SDK's requests: the
 * `openfaas: "1"` marker label and annotation that the provider requires on namespaces it manages.
 */
import {FaasError} from '../errors.js'
import {printable} from '../ui/escape.js'
import type {GatewayClient, GatewayResponse} from './client.js'
import {oneLine, statusHint} from './client.js'
import {parseListBody, parseObjectBody} from './http.js'
import type {FunctionNamespace} from './types.js'

const MARKER = {openfaas: '1'}

function failure(res: GatewayResponse, action: string): FaasError {
  if (res.status === 401) return new FaasError('Unauthorized action, please setup authentication for this server', {hint: 'Log in with "faas login", or pass --token.'})
  if (res.status === 403) return new FaasError(`forbidden: the gateway refused to ${action} (403)`, {hint: 'The credentials are valid but lack permission for this.'})
  if (res.status === 501) {
    return new FaasError(`the gateway cannot ${action}: ${oneLine(res.body) || 'not implemented'}`, {hint: 'Managing namespaces needs a provider that implements it (OpenFaaS Standard/Enterprise); on OpenFaaS CE create them with kubectl.'})
  }
  return new FaasError(`Unexpected status code: ${res.status}, message: ${JSON.stringify(oneLine(res.body))}`, {hint: statusHint(res.status, res.body)})
}

export async function listNamespaces(client: GatewayClient): Promise<string[]> {
  const res = await client.request('GET', '/system/namespaces')
  if (res.status === 401) throw new FaasError('Check authorization, status code: 401', {hint: 'Log in with "faas login", or pass --token.'})
  if (res.status !== 200) throw failure(res, 'list namespaces')
  // names only: null or anything else among them is skipped
  return parseListBody(res, 'the namespace list').filter((n): n is string => typeof n === 'string')
}

export async function getNamespace(client: GatewayClient, name: string): Promise<FunctionNamespace> {
  const res = await client.request('GET', `/system/namespace/${encodeURIComponent(name)}`)
  if (res.status === 404) throw new FaasError(`Namespace ${name} not found`, {hint: '"faas namespace list" shows the namespaces.'})
  if (res.status !== 200) throw failure(res, `get namespace ${name}`)
  return parseObjectBody<FunctionNamespace>(res, `namespace ${name}`)
}

export interface NamespaceSpec {
  name: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** `namespace create|update NAME`: the spec from the -l/--label and --annotation values (KEY=VALUE). */
export async function namespaceSpecFromFlags(name: string, flags: {label: string[]; annotation: string[]}): Promise<NamespaceSpec> {
  const {parseKeyValueFlags} = await import('../stack/merge.js')
  return {name, labels: parseKeyValueFlags(flags.label, '--label'), annotations: parseKeyValueFlags(flags.annotation, '--annotation')}
}

function namespaceBody(spec: NamespaceSpec): FunctionNamespace {
  return {name: spec.name, annotations: {...MARKER, ...spec.annotations}, labels: {...MARKER, ...spec.labels}}
}

export async function createNamespace(client: GatewayClient, spec: NamespaceSpec): Promise<void> {
  const res = await client.request('POST', '/system/namespace/', {json: namespaceBody(spec)})
  if (res.status === 409) throw new FaasError(`Namespace ${spec.name} already exists`, {hint: `Change it with "faas namespace update ${spec.name}".`})
  if (![200, 201, 202].includes(res.status)) throw failure(res, `create namespace ${spec.name}`)
}

export async function updateNamespace(client: GatewayClient, spec: NamespaceSpec): Promise<void> {
  const res = await client.request('PUT', `/system/namespace/${encodeURIComponent(spec.name)}`, {json: namespaceBody(spec)})
  if (res.status === 404) throw new FaasError(`Namespace ${spec.name} not found`, {hint: `Create it with "faas namespace create ${spec.name}".`})
  if (![200, 201, 202].includes(res.status)) throw failure(res, `update namespace ${spec.name}`)
}

export async function removeNamespace(client: GatewayClient, name: string): Promise<void> {
  const res = await client.request('DELETE', `/system/namespace/${encodeURIComponent(name)}`, {json: {name, labels: MARKER}})
  if (res.status === 404) throw new FaasError(`Namespace ${name} not found`, {hint: '"faas namespace list" shows the namespaces.'})
  if (![200, 201, 202, 204].includes(res.status)) throw failure(res, `remove namespace ${name}`)
}

/** `namespace get` text: labels/annotations beyond the marker (gateway text escaped). */
export function renderNamespace(ns: FunctionNamespace): string {
  let out = `Name: ${printable(String(ns.name))}\n`
  for (const [title, map] of [['Labels', ns.labels], ['Annotations', ns.annotations]] as const) {
    const keys = Object.keys(map ?? {}).sort()
    if (keys.length > 1) {
      out += `${title}:\n`
      for (const k of keys) out += `  ${printable(k)}: ${printable(String(map![k]))}\n`
    }
  }
  return out
}

export function renderNamespaceList(list: readonly string[]): string {
  return `Namespaces:\n${list.map((n) => ` - ${printable(n)}\n`).join('')}`
}
