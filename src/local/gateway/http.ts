/**
 * Request and response helpers of the embedded gateway's API routes: errors with a status,
 * bounded body reading, JSON answers. Error bodies are written for a client to show; they never
 * carry host paths (internal failures are logged by the server and answered with a generic text).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {sendText} from '../watchdog/respond.js'
import {LIMITS} from './limits.js'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: string[] = [],
  ) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: string[] = []): void {
  sendText(res, status, JSON.stringify(value), headers, 'application/json')
}

export function sendEmpty(res: ServerResponse, status: number, headers: string[] = []): void {
  sendText(res, status, '', headers, '')
}

export function redirect(res: ServerResponse, location: string, status = 301): void {
  res.writeHead(status, ['Location', location, 'Content-Length', '0'])
  res.end()
}

export function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  sendText(res, 404, '404 page not found\n')
}

export function methodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  sendText(res, 405, 'Method Not Allowed\n')
}

/**
 * The whole body, or undefined when it is larger than `limit`: reading stops at the limit (the
 * rest is never buffered) and the connection is closed after the answer.
 */
export function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      refuseRest(req)
      resolve(undefined)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer) => {
      size += c.length
      if (size > limit) {
        req.off('data', onData)
        req.off('end', onEnd)
        refuseRest(req)
        resolve(undefined)
        return
      }
      chunks.push(c)
    }
    const onEnd = () => resolve(Buffer.concat(chunks, size))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', reject)
  })
}

/**
 * Stops reading a body we refused. The caller answers with `Connection: close`; the socket is
 * dropped a moment later in any case, so a client that keeps sending can't hold it open.
 */
function refuseRest(req: IncomingMessage): void {
  req.pause()
  const socket = req.socket
  setTimeout(() => socket.destroy(), 1000).unref()
}

/** A JSON request body (bounded); `optional` allows an empty body (undefined). */
export async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const body = await readLimited(req, LIMITS.jsonBodyBytes)
  if (body === undefined) throw new HttpError(413, `request body too large: the limit is ${LIMITS.jsonBodyBytes} bytes`, ['Connection', 'close'])
  if (body.length === 0) {
    if (optional) return undefined
    throw new HttpError(400, 'unable to parse request body: empty body')
  }
  try {
    return JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw new HttpError(400, `unable to parse request body: ${(err as Error).message}`)
  }
}

/** A JSON object body, or a 400. */
export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'unable to parse request body: expected a JSON object')
  }
  return body as Record<string, unknown>
}

/** A map of strings from user input, with no prototype (so `__proto__` is just a key). */
export function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, `${what} must be an object of strings`)
  const out: Record<string, string> = Object.create(null)
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = String(x ?? '')
  return out
}

export function lastValue(q: URLSearchParams, k: string): string | undefined {
  const all = q.getAll(k)
  return all.length ? all[all.length - 1] : undefined
}
