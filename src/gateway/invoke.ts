/**
 * `invoke` (spec §5.1): stdin → the function → stdout, streamed both ways so a 10 MB body never
 * sits in memory whole. Small bodies (the usual case) are sent with a Content-Length like
 * faas-cli; a body longer than the first read-ahead goes out chunked as it arrives.
 *
 * `--sign` is the exception: the HMAC-SHA256 of the whole body must be in a header, and headers
 * go out before the body, so a signed body is read whole first.
 */
import {createHmac} from 'node:crypto'
import {fstatSync, read as readFd} from 'node:fs'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {FaasError} from '../errors.js'
import type {BodyWriter, GatewayClient} from './client.js'
import {oneLine, statusHint} from './client.js'
import {readPrefix} from '../util/limits.js'

export const INVOKE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** Read ahead this much of stdin: a body that ends within it gets a Content-Length. */
const READ_AHEAD = 64 * 1024

export interface InvokeInput {
  name: string
  /** `-n` > stack function namespace > openfaas-fn, resolved by the caller. */
  namespace: string
  method: string
  contentType: string
  /** True when --content-type was given explicitly (it then beats a -H Content-Type). */
  contentTypeGiven: boolean
  headers: string[]
  query: string[]
  async: boolean
  sign?: string
  key?: string
  /** OpenFaaS IAM: exchange the saved OAuth2 token for a function-scoped one first. */
  auth?: boolean
  /** The saved OAuth2 id_token for the gateway (only needed with `auth`). */
  idToken?: string
  userAgent: string
  body: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  /** Called once when a `key=value` header (deprecated form) is seen. */
  warn?: (text: string) => void
}

export interface InvokeResult {
  status: number
  async: boolean
  callId?: string
}

/** `-H` values: `Key: Value`, or the deprecated `key=value`. */
export function parseHeaders(values: readonly string[], warn?: (text: string) => void): Array<[string, string]> {
  const out: Array<[string, string]> = []
  let warned = false
  for (const raw of values) {
    const colon = raw.indexOf(':')
    const eq = raw.indexOf('=')
    let key: string
    let value: string
    if (colon > 0 && (eq < 0 || colon < eq)) {
      key = raw.slice(0, colon).trim()
      value = raw.slice(colon + 1).trim()
    } else if (eq > 0) {
      key = raw.slice(0, eq).trim()
      value = raw.slice(eq + 1).trim()
      if (!warned && warn) {
        warn(`the -H key=value form is deprecated; write -H "${key}: ${value}"`)
        warned = true
      }
    } else {
      key = ''
      value = ''
    }
    if (!key || /[\s:]/.test(key)) {
      throw new FaasError(`The --header or -H flag must take the form of 'Key: Value' or 'key=value' (got ${JSON.stringify(raw)})`, {hint: 'For example: -H "X-Callback-Url: http://example.com/cb"'})
    }
    out.push([key, value])
  }
  return out
}

/** `--query` values: `key=value` (the §10 quirk named --header here; we name the right flag). */
export function parseQuery(values: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const raw of values) {
    const eq = raw.indexOf('=')
    if (eq <= 0 || eq === raw.length - 1) {
      throw new FaasError(`the --query flag must take the form of key=value (got ${JSON.stringify(raw)})`, {hint: 'For example: --query repo=faas-cli --query org=openfaas'})
    }
    out.push([raw.slice(0, eq), raw.slice(eq + 1)])
  }
  return out
}

/** Everything that can be wrong with the flags, checked before stdin is read or a request made. */
export function validateInvoke(input: Pick<InvokeInput, 'method' | 'headers' | 'query' | 'sign' | 'key'>, warn?: (text: string) => void) {
  const method = input.method.toUpperCase()
  if (!(INVOKE_METHODS as readonly string[]).includes(method)) {
    // faas-cli silently exited 0 here (§10)
    throw new FaasError(`the --method ${input.method} is not allowed: use one of ${INVOKE_METHODS.join(', ')}`)
  }
  if (Boolean(input.sign) !== Boolean(input.key)) {
    throw new FaasError('Signing requires both --sign <header-value> and --key <key-value>', {hint: 'For example: --sign X-Hub-Signature --key "$WEBHOOK_SECRET"'})
  }
  return {method, headers: parseHeaders(input.headers, warn), query: parseQuery(input.query)}
}

/** The function's URL: the gateway's scheme and host (its path is replaced, like the Go SDK). */
export function invokeUrl(gateway: string, name: string, namespace: string, async: boolean, query: Array<[string, string]>): string {
  const origin = new URL(gateway).origin
  const url = new URL(`${origin}/${async ? 'async-function' : 'function'}/${encodeURIComponent(name)}.${encodeURIComponent(namespace)}`)
  // Go's url.Values.Encode: sorted by key
  const sorted = [...query].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  for (const [k, v] of sorted) url.searchParams.append(k, v)
  return url.toString()
}

async function readWhole(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks)
}

/**
 * The body to send: a Buffer when stdin ends within the read-ahead, else stdin itself, with the
 * read-ahead put back in front, to be piped into the request (no copy per chunk, and stdin is
 * read only as fast as the request takes it).
 */
export async function requestBody(stream: NodeJS.ReadableStream): Promise<Buffer | Readable> {
  const head: Buffer[] = []
  let size = 0
  const ended = await new Promise<boolean>((resolve, reject) => {
    const settle = (value: boolean | Error) => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      if (value instanceof Error) reject(value)
      else resolve(value)
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      head.push(bytes)
      size += bytes.length
      if (size >= READ_AHEAD) {
        stream.pause()
        settle(false)
      }
    }
    const onEnd = () => settle(true)
    const onError = (error: Error) => settle(error)
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', onError)
  })
  const first = head.length === 1 ? head[0] : Buffer.concat(head)
  if (ended) return first
  const rest = stream as Readable
  rest.unshift(first)
  return rest
}

/** Buffers the stdin pump below reuses: one being read while the other is being sent. */
const PUMP_CHUNK = 64 * 1024

/** fd 0 when stdin is `process.stdin` redirected from a regular file (`< file`). */
function stdinFile(stream: NodeJS.ReadableStream): number | undefined {
  if (stream !== process.stdin) return undefined
  try {
    return fstatSync(0).isFile() ? 0 : undefined
  } catch {
    return undefined
  }
}

function readInto(fd: number, buffer: Buffer, offset = 0): Promise<number> {
  return new Promise((resolve, reject) => readFd(fd, buffer, offset, buffer.length - offset, null, (error, n) => (error ? reject(error) : resolve(n))))
}

/**
 * The body from a file on stdin: a Buffer when it ends within the read-ahead, else a writer that
 * sends it through two reused buffers, each read again only once the request has taken it
 * (the write callback). Unlike a stream, this leaves no chunk behind per read: a 10 MiB body
 * costs 128 KiB of buffers, not 10 MiB of garbage waiting for a collection.
 */
async function fileBody(fd: number): Promise<Buffer | BodyWriter> {
  const head = Buffer.allocUnsafe(READ_AHEAD)
  let size = 0
  for (;;) {
    const n = await readInto(fd, head, size)
    if (n === 0) return head.subarray(0, size)
    size += n
    if (size === head.length) break
  }
  return async (sink) => {
    const write = (chunk: Buffer) => new Promise<void>((resolve, reject) => {
      sink.write(chunk, (error?: Error | null) => (error ? reject(error) : resolve()))
    })
    let sending = write(head)
    const buffers = [Buffer.allocUnsafe(PUMP_CHUNK), Buffer.allocUnsafe(PUMP_CHUNK)]
    for (let i = 0; ; i ^= 1) {
      // the other buffer may still be on its way; this one was sent two rounds ago
      const n = await readInto(fd, buffers[i])
      await sending
      if (n === 0) break
      sending = write(buffers[i].subarray(0, n))
    }
    sink.end()
  }
}

/** OpenFaaS IAM token exchange: the saved id token → a token for this one function. */
async function exchangeToken(client: GatewayClient, idToken: string | undefined, name: string, namespace: string): Promise<string> {
  if (!idToken) {
    throw new FaasError('--auth needs an OAuth2 token saved for this gateway', {hint: 'Log in to OpenFaaS IAM first (faas-cli pro auth), or invoke without --auth.'})
  }
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    subject_token: idToken,
    audience: `${namespace}:${name}`,
    scope: 'function',
  })
  const res = await client.request('POST', '/oauth/token', {
    url: `${new URL(client.gateway).origin}/oauth/token`,
    body: form.toString(),
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    withAuth: false,
  })
  if (res.status !== 200) throw new FaasError(`token exchange failed with status code ${res.status}: ${oneLine(res.body)}`, {hint: 'Log in to OpenFaaS IAM again (faas-cli pro auth).'})
  try {
    const token = (JSON.parse(res.body) as {access_token?: string}).access_token
    if (token) return token
  } catch {
    // fall through
  }
  throw new FaasError('token exchange answered without an access_token', {hint: 'Is the gateway running OpenFaaS IAM?'})
}

export async function invokeFunction(client: GatewayClient, input: InvokeInput): Promise<InvokeResult> {
  const {method, headers, query} = validateInvoke(input, input.warn)
  const url = invokeUrl(client.gateway, input.name, input.namespace, input.async, query)

  const sendHeaders: Record<string, string> = {'user-agent': input.userAgent}
  const headerContentType = headers.find(([k]) => k.toLowerCase() === 'content-type')
  for (const [k, v] of headers) sendHeaders[k.toLowerCase()] = v
  if (!headerContentType || input.contentTypeGiven) sendHeaders['content-type'] = input.contentType

  let body: Buffer | Readable | BodyWriter
  const fd = stdinFile(input.body)
  if (input.sign && input.key) {
    body = await readWhole(input.body)
    sendHeaders[input.sign.toLowerCase()] = `sha256=${createHmac('sha256', input.key).update(body).digest('hex')}`
  } else {
    body = fd === undefined ? await requestBody(input.body) : await fileBody(fd)
  }
  if (Buffer.isBuffer(body)) sendHeaders['content-length'] = String(body.length)
  const sendBody = Buffer.isBuffer(body) && body.length === 0 && (method === 'GET' || method === 'DELETE') ? undefined : body

  if (input.auth) sendHeaders.authorization = `Bearer ${await exchangeToken(client, input.idToken, input.name, input.namespace)}`

  const res = await client.stream(method, '', {url, body: sendBody, headers: sendHeaders, withAuth: false, timeoutMs: 0, headersTimeoutMs: 60_000})
  if (res.status < 200 || res.status >= 300) {
    const text = await readPrefix(res.body, 64 * 1024).catch(() => '')
    const realm = String(res.headers['www-authenticate'] ?? '')
    const hint = res.status === 401 && /IAM function invoke/i.test(realm)
      ? 'The function needs an OpenFaaS IAM token: pass --auth.'
      : invokeStatusHint(res.status, input.name, input.namespace)
    throw new FaasError(`Server returned unexpected status code: ${res.status} - ${oneLine(text)}`, {hint})
  }
  try {
    // stdout stays open after the answer (end: false): it is the process's, not ours
    await pipeline(res.body, input.output as NodeJS.WritableStream, {end: false})
  } catch (error) {
    throw client.transportError(error, url)
  }
  const callId = res.headers['x-call-id']
  return {status: res.status, async: input.async, callId: Array.isArray(callId) ? callId[0] : callId}
}

/**
 * The hint under a failed invoke. Past the gateway, a 5xx or 408 is usually the function's own
 * doing (it threw, crashed or ran past its timeout), so the hint points at its logs rather than
 * at the gateway ("faas logs" shows it, or says that the function is not there).
 */
export function invokeStatusHint(status: number, name: string, namespace: string): string | undefined {
  const ns = namespace && namespace !== 'openfaas-fn' ? ` -n ${namespace}` : ''
  const logs = `"faas logs ${name}${ns}"`
  if (status === 404) return `Check the name and namespace; "faas list${ns}" shows what is deployed.`
  if (status === 408 || status === 504) return `The function did not answer in time: ${logs} shows what it was doing; raise its exec_timeout (and the gateway's timeouts) if it needs longer.`
  if (status === 502) return `The function process failed or exited: ${logs} shows its output.`
  if (status === 503) return `The function is not ready (starting, or scaled to zero): wait with "faas ready ${name}${ns}", then try again.`
  if (status >= 500) return `The function answered with an error: ${logs} shows its output.`
  return statusHint(status)
}
