/**
 * Basic auth of the embedded gateway, as the OpenFaaS gateway does it: /system/* and the portal
 * need the credentials, function routes and /healthz do not. Comparison takes the same time
 * whatever the given value, so the password can't be guessed byte by byte.
 */
import {createHash, timingSafeEqual} from 'node:crypto'
import type {IncomingMessage} from 'node:http'

export interface BasicAuthCredentials {
  user: string
  password: string
}

export type Authorizer = (req: IncomingMessage) => boolean

export function basicAuthorizer(credentials: BasicAuthCredentials | undefined): Authorizer {
  if (!credentials) return () => true
  const expected = digest('Basic ' + Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64'))
  return (req) => {
    const given = req.headers.authorization
    if (typeof given !== 'string') return false
    // fixed-length digests: timingSafeEqual needs equal lengths and the length must not leak either
    return timingSafeEqual(digest(given), expected)
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Routes behind basic auth: the provider API and the portal. */
export function needsCredentials(pathname: string): boolean {
  return pathname.startsWith('/system/') || pathname === '/system' || pathname === '/ui' || pathname.startsWith('/ui/')
}

export const UNAUTHORIZED_HEADERS = ['WWW-Authenticate', 'Basic realm="Restricted"']
