/**
 * Is anything listening at the gateway's address? `up` and `deploy` ask before they build or
 * deploy, so a missing gateway is reported as such, with how to get one, instead of surfacing
 * later as a build, push or per-function deploy error.
 *
 * A TCP connect, not an HTTP request: it sends nothing the gateway would log or answer, so the
 * requests on the wire stay faas-cli's. Through a proxy (HTTP(S)_PROXY for this URL) the proxy
 * decides what is reachable, so nothing is checked.
 */
import net from 'node:net'

import {FaasError} from '../errors.js'
import {proxyFor} from './client.js'

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'no answer',
}

export async function requireReachableGateway(gateway: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<void> {
  let url: URL
  try {
    url = new URL(gateway)
  } catch {
    return // an invalid URL is reported by the client, with its own message
  }
  if (proxyFor(gateway, env)) return
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const code = await new Promise<string | undefined>((resolve) => {
    const socket = net.connect({host, port})
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      resolve('ETIMEDOUT')
    })
    socket.once('connect', () => {
      socket.destroy()
      resolve(undefined)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'ECONNREFUSED'))
  })
  if (code === undefined) return
  throw new FaasError(`gateway not reachable at ${gateway} (${CAUSES[code] ?? code})`, {
    hint: 'Start one on this machine with "faas gateway", or give the address of yours with -g/--gateway or OPENFAAS_URL.',
  })
}
