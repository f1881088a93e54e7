/** Path rules of the gateway's function routes (spec §3.1). */

/** Function names on the routes: `[-a-zA-Z_0-9.]+`, the part after the last dot being the namespace. */
export const ROUTE_NAME = /^[-a-zA-Z_0-9.]+$/

/** A path with `//`, `.` or `..` segments gets a 301 to its cleaned form, like Go's ServeMux. */
export function needsCleaning(p: string): boolean {
  return p.includes('//') || p.includes('/./') || p.includes('/../') || p.endsWith('/.') || p.endsWith('/..')
}

/** Go's path.Clean, keeping a trailing slash. */
export function cleanPath(p: string): string {
  const parts: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  let out = '/' + parts.join('/')
  if (p.endsWith('/') && out !== '/') out += '/'
  return out
}

const PATH_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g

/**
 * Re-escapes a decoded path for the request line: the function gets the decoded path (so `%2F`
 * becomes `/`), but characters that can't appear in a path (`?`, `#`, `%`, spaces) stay escaped.
 */
export function escapePath(decoded: string): string {
  return decoded.replace(PATH_SAFE, (c) => encodeURIComponent(c))
}

/** Splits `name.ns` at the last dot; no dot = default namespace. */
export function splitFunctionRef(ref: string, defaultNs: string): {name: string; namespace: string} {
  const dot = ref.lastIndexOf('.')
  if (dot === -1) return {name: ref, namespace: defaultNs}
  const ns = ref.slice(dot + 1)
  return {name: ref.slice(0, dot), namespace: ns || defaultNs}
}

/** Kubernetes DNS label: what namespaces and secret-free names must look like. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/** Function (service) names: no dots (they separate the namespace) and nothing path-like. */
export const SERVICE_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?$/
