/** What every API route of the embedded gateway works with. */
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Sandbox} from '../../sandbox/index.js'
import {DEFAULT_NAMESPACE} from '../function-runtime.js'
import {lastValue} from '../http.js'
import type {GatewayLimits} from '../limits.js'
import {checkName} from '../names.js'
import type {Registry} from '../registry.js'
import type {SelfAddress} from '../self-call.js'

export interface RouteContext {
  registry: Registry
  sandbox: Sandbox
  limits: GatewayLimits
  /** Shown in /system/info and X-Served-By. */
  version: string
  /** Gateway events for the terminal. */
  log: (message: string) => void
  /** Where the gateway itself listens (for calls through its own function routes). */
  self: () => SelfAddress
}

export interface SystemRequest {
  req: IncomingMessage
  res: ServerResponse
  method: string
  pathname: string
  query: URLSearchParams
}

/** The `namespace` query parameter (checked), else the default namespace. */
export function namespaceParam(query: URLSearchParams): string {
  const ns = lastValue(query, 'namespace')
  return ns ? checkName('namespace', ns) : DEFAULT_NAMESPACE
}

/** A namespace from a body field, else from the query, else the default; checked. */
export function namespaceOf(bodyValue: unknown, query: URLSearchParams): string {
  if (bodyValue === undefined || bodyValue === null || bodyValue === '') return namespaceParam(query)
  return checkName('namespace', bodyValue)
}

/** The `namespace` query parameter (checked), which must exist; else the default namespace. */
export function existingNamespaceParam(query: URLSearchParams, registry: Registry): string {
  const ns = namespaceParam(query)
  registry.requireNamespace(ns)
  return ns
}
