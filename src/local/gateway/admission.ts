/**
 * Who may talk to the embedded gateway at all, decided before any work is done for a request.
 *
 * The gateway listens on the user's machine, so the web pages the user visits are in reach:
 *  - DNS rebinding: a page on evil.example makes its own name resolve to 127.0.0.1 and then
 *    talks to the gateway "same-origin"; its requests carry `Host: evil.example`. Only the
 *    gateway's own address, loopback names and names given with --allow-host are accepted.
 *  - Cross-site requests: a page can send "simple" requests (a form POST, text/plain) anywhere;
 *    they carry `Origin` and `Sec-Fetch-Site`. A browser request from another site is refused,
 *    on every route; a local front end (http://localhost:3000) is not another site.
 *  - /system/* writes must say they carry JSON (every OpenFaaS client sends application/json),
 *    which a page can't send cross-origin without a CORS preflight the gateway never grants;
 *    the one exception is the OpenFaaS gateway's own scale call (isProviderScaling).
 *    Events for /system/topic/<topic> are exempt: they only call functions, which /function/*
 *    lets anyone do under the rules above, and they still need credentials.
 * Function routes stay without credentials, as in OpenFaaS; the rules above still apply to them.
 */
import type {IncomingMessage} from 'node:http'
import os from 'node:os'
import {isLoopbackHost, isWildcardHost} from '../../util/loopback.js'

export interface AdmissionPolicy {
  /** Lower-case host names and addresses accepted in `Host` and `Origin` (besides loopback). */
  allowedHosts: ReadonlySet<string>
}

/**
 * The names a request may use for this gateway: its bind address (for a wildcard bind, every
 * address of this machine and its host name) and the extra names given by the user.
 */
export function admissionPolicy(bindHost: string, extra: readonly string[] = []): AdmissionPolicy {
  const allowed = new Set<string>()
  const add = (h: string) => allowed.add(h.toLowerCase().replace(/^\[|\]$/g, ''))
  if (isWildcardHost(bindHost)) {
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) add(a.address)
    add(os.hostname())
  } else {
    add(bindHost)
  }
  for (const h of extra) if (h.trim()) add(h.trim())
  return {allowedHosts: allowed}
}

/** The host part of a `Host` header value (`name:port`, `[v6]:port`). */
function hostOnly(value: string): string {
  const v = value.trim().toLowerCase()
  if (v.startsWith('[')) {
    const end = v.indexOf(']')
    return end === -1 ? v : v.slice(1, end)
  }
  const colon = v.indexOf(':')
  // more than one colon without brackets: a bare IPv6 address
  if (colon !== -1 && v.indexOf(':', colon + 1) === -1) return v.slice(0, colon)
  return v
}

function hostAllowed(policy: AdmissionPolicy, host: string): boolean {
  return isLoopbackHost(host) || policy.allowedHosts.has(host)
}

/** Why the request is refused (403), or undefined when it may go on. */
export function refusal(policy: AdmissionPolicy, req: IncomingMessage, pathname: string): string | undefined {
  const h = req.headers
  const host = h.host
  if (host !== undefined && !hostAllowed(policy, hostOnly(host))) {
    return `requests for host ${JSON.stringify(host.slice(0, 100))} are not accepted by this gateway (start it with --allow-host to add a name)`
  }
  const site = h['sec-fetch-site']
  if (site === 'cross-site') return 'cross-site browser requests are not accepted by this gateway'
  const origin = h.origin
  if (origin !== undefined) {
    let originHost: string | undefined
    try {
      originHost = new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase()
    } catch {
      originHost = undefined
    }
    if (!originHost || !hostAllowed(policy, originHost)) {
      return `browser requests from origin ${JSON.stringify(origin.slice(0, 100))} are not accepted by this gateway`
    }
  }
  // an event for /system/topic/<topic> may be of any type, as a body for /function/<name> may
  if (pathname.startsWith('/system/') && !pathname.startsWith('/system/topic/') && isWrite(req.method) && carriesBody(req) && !isJson(h['content-type']) && !isProviderScaling(req, pathname)) {
    return 'writes to /system/* must send Content-Type: application/json'
  }
  return undefined
}

/**
 * The OpenFaaS gateway in front of us (provider mode) scales a function from zero with a JSON body
 * but no Content-Type. Only that route, and only with no mark of a browser (every browser sends
 * Origin on a POST): it starts no new code, and still needs the credentials.
 */
function isProviderScaling(req: IncomingMessage, pathname: string): boolean {
  const h = req.headers
  return (
    req.method === 'POST' &&
    pathname.startsWith('/system/scale-function/') &&
    h['content-type'] === undefined &&
    h.origin === undefined &&
    h['sec-fetch-site'] === undefined
  )
}

function isWrite(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
}

function carriesBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (cl !== undefined && cl !== '0')
}

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false
  const type = contentType.split(';')[0].trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}
