/**
 * Names that reach the embedded gateway from a request: function, namespace and secret names.
 * Every one is checked here, where it enters (path, query or body), before it is used as a
 * file name, a map key or a log field, so nothing path-like (`..`, `/`, NUL), no prototype key
 * (`__proto__`) and nothing longer than Kubernetes allows gets further.
 *
 * Functions and namespaces are DNS-1123 labels (what faas-netes and Kubernetes accept); secrets
 * are DNS-1123 subdomains (what Kubernetes accepts for a Secret and faas-cli checks on create).
 */
import {HttpError} from './http.js'

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
export const MAX_LABEL_LENGTH = 63
export const MAX_SUBDOMAIN_LENGTH = 253

export type NameKind = 'function' | 'namespace' | 'secret'

export function isValidName(kind: NameKind, name: string): boolean {
  if (kind === 'secret') return name.length <= MAX_SUBDOMAIN_LENGTH && SUBDOMAIN.test(name)
  return name.length <= MAX_LABEL_LENGTH && LABEL.test(name)
}

/** The name, or a 400 that says what a valid one looks like (the name is quoted, shortened). */
export function checkName(kind: NameKind, name: unknown): string {
  if (typeof name === 'string' && isValidName(kind, name)) return name
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 80 ? name.slice(0, 80) + '…' : name) : String(name)
  const rule =
    kind === 'secret'
      ? `lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most ${MAX_SUBDOMAIN_LENGTH} characters`
      : `lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_LABEL_LENGTH} characters`
  throw new HttpError(400, `invalid ${kind} name ${shown}: use ${rule}`)
}

/** The characters a function reference may have on the routes, before it is split and checked. */
const ROUTE_REF = /^[-a-z0-9.]+$/

/**
 * `name[.namespace]` from `/function/<ref>`: split at the last dot, both parts checked.
 * Undefined when either part is not a valid name (the route answers 404, as for an unknown function).
 */
export function parseFunctionRef(ref: string, defaultNamespace: string): {name: string; namespace: string} | undefined {
  if (!ROUTE_REF.test(ref)) return undefined
  const dot = ref.lastIndexOf('.')
  const name = dot === -1 ? ref : ref.slice(0, dot)
  const namespace = dot === -1 || dot === ref.length - 1 ? defaultNamespace : ref.slice(dot + 1)
  if (!isValidName('function', name) || !isValidName('namespace', namespace)) return undefined
  return {name, namespace}
}
