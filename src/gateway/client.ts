/**
 * The one HTTP client (got) every gateway command goes through. It knows the gateway URL, the
 * credentials, TLS and proxy settings; it retries idempotent GETs on connection resets and
 * 502/503/504 (never a POST); it maps transport failures to one-line FaasErrors that say what to
 * do; under FAAS_DEBUG=1 it prints each request, and under OPENFAAS_DUMP_HTTP=true each request
 * and response with their headers and bodies, credentials redacted in both (one redaction: headers,
 * passwords in URLs, and credential fields of JSON and form bodies such as secret values and tokens).
 *
 * got is heavy to import, so this module loads it on first use.
 */
import type {Readable} from 'node:stream'

import {FaasError, errorMessage} from '../errors.js'
import {MAX_ANSWER_BYTES, formatBytes, isTooLarge, limitBytes} from '../util/limits.js'

export interface GatewayAuth {
  /** The full Authorization header value, e.g. `Basic YWRt…` or `Bearer eyJ…`. */
  header: string
}

export interface GatewayClientOptions {
  gateway: string
  auth?: GatewayAuth
  tlsNoVerify?: boolean
  /** Default per-request timeout in ms (faas-cli: 60 s for most commands). 0 = none. */
  timeoutMs?: number
  userAgent?: string
  env?: NodeJS.ProcessEnv
  /** Where FAAS_DEBUG and OPENFAAS_DUMP_HTTP output goes (stderr by default). */
  debugStream?: NodeJS.WritableStream
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>
  /** A JSON body (sent with Content-Type: application/json). */
  json?: unknown
  /**
   * A raw body: string, buffer or stream, or (stream() only) a writer that writes the body into
   * the request and ends it (to reuse its buffers it can wait for each write's callback).
   */
  body?: string | Buffer | Readable | BodyWriter
  headers?: Record<string, string | string[] | undefined>
  timeoutMs?: number
  /**
   * Limit only the wait for the response headers (not the whole exchange): for streams such as
   * invoke, whose bodies may legitimately take longer than any fixed limit.
   */
  headersTimeoutMs?: number
  /** Retry on reset/502/503/504: defaults to true for GET/HEAD, and is never done for other methods. */
  retry?: boolean
  /** Send the gateway credentials (default true). */
  withAuth?: boolean
  /** Use this absolute URL instead of gateway + path. */
  url?: string
  followRedirect?: boolean
  /** request(): the most of the answer that is read (default MAX_ANSWER_BYTES, 64 MiB). */
  maxBytes?: number
}

export type BodyWriter = (sink: NodeJS.WritableStream) => Promise<void>

export interface GatewayResponse {
  status: number
  statusText: string
  headers: Record<string, string | string[] | undefined>
  body: string
  /** The gateway asked (for hints such as the login command); absent in hand-made responses. */
  gateway?: string
}

export interface GatewayStream {
  status: number
  statusText: string
  headers: Record<string, string | string[] | undefined>
  body: Readable
}

const RETRY_STATUS = [502, 503, 504]
// a reset connection may succeed on a second try; a refused one or a timeout will not (and a retry would multiply the wait)
const RETRY_ERRORS = ['ECONNRESET', 'EPIPE']

type Got = typeof import('got').default

let gotPromise: Promise<Got> | undefined
function loadGot(): Promise<Got> {
  gotPromise ??= import('got').then((m) => m.default)
  return gotPromise
}

export function redactAuthorization(value: string): string {
  const scheme = value.split(' ')[0]
  return scheme && scheme !== value ? `${scheme} REDACTED` : 'REDACTED'
}

const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'x-registry-auth'])
/** Body fields that carry credentials or secret values (gateway secrets, OAuth and registry tokens, login). */
const SECRET_FIELDS = /^(password|passwd|secret|client_secret|payload_secret|token|access_token|refresh_token|id_token|subject_token|value|rawvalue|auth|authorization|identitytoken|registrytoken)$/i
/** Show at most this much of a body in an HTTP dump. */
export const DUMP_BODY_LIMIT = 4096

/** Headers with credentials replaced (`Authorization: Basic REDACTED`). */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const shown: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue
    const key = k.toLowerCase()
    if (key === 'authorization' || key === 'proxy-authorization') shown[k] = Array.isArray(v) ? v.map(redactAuthorization) : redactAuthorization(v)
    else shown[k] = SECRET_HEADERS.has(key) ? 'REDACTED' : v
  }
  return shown
}

/** A URL without the password of its user part, nor credential query parameters. */
export function redactUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return url
  }
  if (parsed.password) parsed.password = 'REDACTED'
  for (const key of [...parsed.searchParams.keys()]) if (SECRET_FIELDS.test(key)) parsed.searchParams.set(key, 'REDACTED')
  return parsed.toString()
}

function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.test(k) && v !== null && typeof v !== 'object' ? 'REDACTED' : redactJson(v, depth + 1)
  return out
}

/** A request or response body as text, with credential fields of JSON or form bodies replaced. */
export function redactBody(text: string, contentType = ''): string {
  const trimmed = text.trim()
  if (/json/i.test(contentType) || /^[[{]/.test(trimmed)) {
    try {
      return JSON.stringify(redactJson(JSON.parse(trimmed)))
    } catch {
      // not JSON after all: shown as text below
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType)) {
    const form = new URLSearchParams(trimmed)
    for (const key of [...form.keys()]) if (SECRET_FIELDS.test(key)) form.set(key, 'REDACTED')
    return form.toString()
  }
  return text
}

/** A dumped body: redacted, cut at DUMP_BODY_LIMIT, binary shown as a size only. */
function dumpBody(body: string | Buffer, contentType: string): string {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body
  if (buffer.length === 0) return ''
  if (buffer.subarray(0, 1024).includes(0)) return `(${buffer.length} bytes of binary data)`
  const text = redactBody(buffer.toString('utf8'), contentType)
  return text.length > DUMP_BODY_LIMIT ? `${text.slice(0, DUMP_BODY_LIMIT)}… (${text.length - DUMP_BODY_LIMIT} more characters)` : text
}

function headerLines(prefix: string, headers: Record<string, string | string[] | undefined>): string {
  return Object.entries(redactHeaders(headers))
    .map(([k, v]) => `${prefix} ${k}: ${Array.isArray(v) ? v.join(', ') : v}\n`)
    .join('')
}

export class GatewayClient {
  readonly gateway: string
  readonly options: GatewayClientOptions
  private agentsPromise?: Promise<Record<string, unknown>>

  constructor(options: GatewayClientOptions) {
    this.options = options
    this.gateway = options.gateway.replace(/\/+$/, '')
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env
  }

  urlFor(path: string, query?: RequestOptions['query']): string {
    const url = new URL(this.gateway + (path.startsWith('/') ? path : `/${path}`))
    if (query) {
      for (const key of Object.keys(query).sort()) {
        const value = query[key]
        if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
      }
    }
    return url.toString()
  }

  private headersFor(options: RequestOptions): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {
      'user-agent': this.options.userAgent ?? 'faas-cli/dev',
    }
    if (options.withAuth !== false && this.options.auth?.header) headers.authorization = this.options.auth.header
    if (options.json !== undefined) headers['content-type'] = 'application/json'
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (v !== undefined) headers[k.toLowerCase()] = v
    }
    return headers
  }

  private debug(method: string, url: string, headers: Record<string, string | string[]>, options: RequestOptions): void {
    if (this.env.FAAS_DEBUG !== '1' && this.env.FAAS_DEBUG !== 'true') return
    const out = this.options.debugStream ?? process.stderr
    let line = `${method} ${redactUrl(url)}\n  headers: ${JSON.stringify(redactHeaders(headers))}`
    if (options.json !== undefined) line += `\n  body: ${redactBody(JSON.stringify(options.json), 'application/json')}`
    out.write(line + '\n')
  }

  private get dumping(): boolean {
    return this.env.OPENFAAS_DUMP_HTTP === 'true'
  }

  /** OPENFAAS_DUMP_HTTP=true: the request as sent (a streamed body is not shown). */
  private dumpRequest(method: string, url: string, headers: Record<string, string | string[]>, options: RequestOptions): void {
    if (!this.dumping) return
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.body
    let text = `> ${method} ${redactUrl(url)}\n${headerLines('>', headers)}`
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const shown = dumpBody(body, String(headers['content-type'] ?? ''))
      if (shown) text += `>\n> ${shown.replaceAll('\n', '\n> ')}\n`
    } else if (body !== undefined) {
      text += '>\n> (streamed body not shown)\n'
    }
    ;(this.options.debugStream ?? process.stderr).write(text + '\n')
  }

  /** OPENFAAS_DUMP_HTTP=true: the response's status and headers, and its body when it was read whole. */
  private dumpResponse(url: string, status: number, statusText: string, headers: Record<string, string | string[] | undefined>, body?: string): void {
    if (!this.dumping) return
    let text = `< ${status} ${statusText} (${redactUrl(url)})\n${headerLines('<', headers)}`
    if (body === undefined) text += '<\n< (streamed body not shown)\n'
    else {
      const shown = dumpBody(body, String(headers['content-type'] ?? ''))
      if (shown) text += `<\n< ${shown.replaceAll('\n', '\n< ')}\n`
    }
    ;(this.options.debugStream ?? process.stderr).write(text + '\n')
  }

  /** Agents for TLS (--tls-no-verify) and for HTTP(S)_PROXY / NO_PROXY. */
  private async agents(targetUrl: string): Promise<Record<string, unknown> | undefined> {
    const proxy = proxyFor(targetUrl, this.env)
    if (!proxy) return undefined
    this.agentsPromise ??= import('hpagent').then((m) => {
      // bundled, a CommonJS package may arrive as {default: exports} only
      const {HttpProxyAgent, HttpsProxyAgent} = (typeof m.HttpProxyAgent === 'function' ? m : (m as unknown as {default: typeof m}).default)
      return {
        http: new HttpProxyAgent({proxy, keepAlive: true}),
        https: new HttpsProxyAgent({proxy, keepAlive: true, rejectUnauthorized: !this.options.tlsNoVerify}),
      }
    })
    return this.agentsPromise
  }

  private async gotOptions(method: string, url: string, options: RequestOptions) {
    const headers = this.headersFor(options)
    this.debug(method, url, headers, options)
    this.dumpRequest(method, url, headers, options)
    const timeout = options.timeoutMs ?? this.options.timeoutMs ?? 60_000
    const retry = (options.retry ?? (method === 'GET' || method === 'HEAD')) && method !== 'POST'
    const agent = await this.agents(url)
    return {
      method: method as 'GET',
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : (options.body as string | Buffer | undefined),
      throwHttpErrors: false,
      followRedirect: options.followRedirect ?? false,
      decompress: true,
      timeout: options.headersTimeoutMs ? {response: options.headersTimeoutMs} : timeout > 0 ? {request: timeout} : undefined,
      // a GET with a body (invoke -m GET < data) only when there is one: got streams wait for the body otherwise
      allowGetBody: options.body !== undefined,
      https: {rejectUnauthorized: !this.options.tlsNoVerify},
      agent: agent as never,
      retry: retry
        ? {limit: 3, methods: [method as 'GET'], statusCodes: RETRY_STATUS, errorCodes: RETRY_ERRORS, backoffLimit: 2000, calculateDelay: ({attemptCount, computedValue}: {attemptCount: number; computedValue: number}) => (computedValue === 0 ? 0 : Math.min(100 * 2 ** (attemptCount - 1), 2000))}
        : {limit: 0},
    }
  }

  /**
   * A request whose whole answer is read into a string, up to `maxBytes` (decompressed): past
   * that the request is cancelled and an AnswerTooLargeError thrown, so a hostile or broken
   * server cannot make the CLI hang or run out of memory. Never throws on HTTP status.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<GatewayResponse> {
    const got = await loadGot()
    const url = options.url ?? this.urlFor(path, options.query)
    const gotOpts = await this.gotOptions(method, url, options)
    const limit = options.maxBytes ?? MAX_ANSWER_BYTES
    const pending = got(url, gotOpts as never) as unknown as Promise<GotResponse> & {
      on(event: 'downloadProgress', listener: (progress: {transferred: number; total?: number}) => void): void
      cancel(): void
    }
    let tooLarge = false
    // transferred counts decompressed bytes; total is the announced Content-Length, when there is one
    pending.on('downloadProgress', ({transferred, total}) => {
      if (tooLarge || (transferred <= limit && (total ?? 0) <= limit)) return
      tooLarge = true
      pending.cancel()
    })
    try {
      const res = await pending
      this.dumpResponse(url, res.statusCode, res.statusMessage ?? '', res.headers, res.body)
      return {status: res.statusCode, statusText: res.statusMessage ?? '', headers: res.headers, body: res.body, gateway: this.gateway}
    } catch (error) {
      if (tooLarge) throw new AnswerTooLargeError(url, limit)
      throw this.transportError(error, url, timeoutOf(gotOpts))
    }
  }

  /**
   * GET `url` into the file `dest`, at most `maxBytes` (template tarballs): an AnswerTooLargeError
   * past that, a FaasError for any status but 200, and no partial file left behind. Redirects are
   * followed (GitHub's archive links redirect to codeload).
   */
  async download(url: string, dest: string, maxBytes: number, timeoutMs = 300_000): Promise<void> {
    const res = await this.stream('GET', '', {url, withAuth: false, followRedirect: true, timeoutMs})
    if (res.status !== 200) {
      res.body.destroy()
      throw new FaasError(`downloading ${url} failed: server returned ${res.status}`)
    }
    const [fs, {pipeline}] = await Promise.all([import('node:fs'), import('node:stream/promises')])
    try {
      await pipeline(res.body, (source: AsyncIterable<Uint8Array>) => limitBytes(source, maxBytes), fs.createWriteStream(dest))
    } catch (error) {
      await fs.promises.rm(dest, {force: true})
      if (isTooLarge(error)) throw new AnswerTooLargeError(url, maxBytes)
      throw this.transportError(error, url, timeoutMs)
    }
  }

  /** A request whose answer body is streamed; resolves once the status line and headers arrived. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<GatewayStream> {
    const got = await loadGot()
    const url = options.url ?? this.urlFor(path, options.query)
    const gotOpts = await this.gotOptions(method, url, {...options, retry: false})
    const {body, ...rest} = gotOpts
    const stream = got.stream(url, {...rest, isStream: true, body: undefined} as never) as unknown as NodeJS.WritableStream & Readable & {on: Readable['on']}
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) stream.end(body)
      else if (typeof body === 'function') (body as BodyWriter)(stream).catch((error: unknown) => stream.destroy(error as Error))
      else (body as Readable).pipe(stream)
    } else if (method !== 'GET' && method !== 'HEAD') {
      stream.end()
    }
    return new Promise<GatewayStream>((resolve, reject) => {
      stream.once('response', (res: {statusCode: number; statusMessage?: string; headers: Record<string, string>}) => {
        this.dumpResponse(url, res.statusCode, res.statusMessage ?? '', res.headers)
        resolve({status: res.statusCode, statusText: res.statusMessage ?? '', headers: res.headers, body: stream})
      })
      stream.once('error', (error: unknown) => reject(this.transportError(error, url, timeoutOf(gotOpts))))
    })
  }

  /** One line that says what went wrong and what to do. */
  transportError(error: unknown, url: string, timeoutMs?: number): FaasError {
    const mapped = this.mapTransportError(error, url, timeoutMs)
    return new FaasError(mapped.message, {hint: mapped.hint, cause: error})
  }

  private mapTransportError(error: unknown, url: string, timeoutMs?: number): FaasError {
    const code = (error as {code?: string}).code
    const gateway = this.gateway
    if (code === 'ETIMEDOUT' || (error as Error)?.name === 'TimeoutError') {
      const secs = timeoutMs ? ` after ${Math.round(timeoutMs / 100) / 10}s` : ''
      return new FaasError(`the gateway at ${gateway} did not answer${secs}`, {hint: 'Check that the gateway is healthy ("faas ready"), or raise --timeout where the command has it.'})
    }
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') {
      return new FaasError(`cannot connect to OpenFaaS on URL: ${gateway}`, {hint: 'Is OpenFaaS deployed? Check the URL, or pass --gateway / set OPENFAAS_URL.'})
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return new FaasError(`the connection to ${gateway} was reset`, {hint: 'The gateway or a proxy closed the connection; try again, and check the gateway logs.'})
    }
    if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN')) {
      return new FaasError(`TLS error talking to ${gateway}: ${errorMessage(error)}`, {hint: 'Pass --tls-no-verify for a self-signed certificate (or fix the certificate).'})
    }
    return new FaasError(`request to ${url} failed: ${errorMessage(error)}`)
  }
}

interface GotResponse {
  statusCode: number
  statusMessage?: string
  headers: Record<string, string>
  body: string
}

/** The time limit got was given (whole request, or headers only), for the error text. */
function timeoutOf(gotOpts: {timeout?: unknown}): number | undefined {
  const timeout = gotOpts.timeout as {request?: number; response?: number} | undefined
  return timeout?.request ?? timeout?.response
}

/** An answer larger than faas reads (see util/limits.ts): one line that names the URL and the cap. */
export class AnswerTooLargeError extends FaasError {
  constructor(readonly url: string, readonly limit: number) {
    super(`the answer from ${url} is larger than ${formatBytes(limit)}, more than faas reads`, {
      hint: 'Check that the URL is really an OpenFaaS gateway or index; faas stops reading there so that an endless or huge answer cannot hang it or exhaust its memory.',
    })
  }
}

/** The proxy URL for a target, from HTTPS_PROXY/HTTP_PROXY (either case), honouring NO_PROXY. */
export function proxyFor(targetUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  const url = new URL(targetUrl)
  const proxy = url.protocol === 'https:'
    ? env.HTTPS_PROXY || env.https_proxy
    : env.HTTP_PROXY || env.http_proxy
  if (!proxy) return undefined
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? ''
  const host = url.hostname.toLowerCase()
  for (const raw of noProxy.split(',')) {
    const rule = raw.trim().toLowerCase()
    if (!rule) continue
    if (rule === '*') return undefined
    const [ruleHost, rulePort] = rule.split(':')
    if (rulePort && rulePort !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) continue
    const bare = ruleHost.replace(/^\*?\./, '')
    if (host === bare || host.endsWith(`.${bare}`)) return undefined
  }
  return proxy
}

/** faas-cli's text for an unexpected status. */
export function unexpectedStatus(res: GatewayResponse): FaasError {
  if (res.status === 401) {
    return new FaasError('unauthorized access, run "faas-cli login" to setup authentication for this server', {hint: loginHint(res.gateway)})
  }
  if (res.status === 403) {
    return new FaasError(`forbidden: the gateway refused the request (403) - ${oneLine(res.body)}`, {hint: 'The credentials are valid but lack permission for this action or namespace.'})
  }
  return new FaasError(`server returned unexpected status code: ${res.status} - ${oneLine(res.body)}`, {hint: statusHint(res.status, res.body)})
}

/** The command that logs in to `gateway` (a placeholder when it is not known). */
export function loginHint(gateway?: string): string {
  return `Log in with: faas login --gateway ${gateway ?? '<url>'} --password-stdin (or pass --token).`
}

/**
 * What to do about a status, for the hint line under the error. `body` (the gateway's answer)
 * picks a precise hint for the errors our embedded gateway explains, over the generic one.
 */
export function statusHint(status: number, body = ''): string | undefined {
  if (status === 400 && /local image index/.test(body)) {
    return 'The embedded gateway (faas gateway) runs only functions built on this machine ("faas up", or "faas build --builder host" then deploy); prebuilt images, such as the function store\'s, need a gateway with a container runtime (faasd, Kubernetes).'
  }
  if (status === 400 && /namespace not valid/i.test(body)) return '"faas namespace list" shows the namespaces; "faas namespace create NAME" adds one.'
  if (status === 404) return 'Check the name, the --namespace and the --gateway URL ("faas list" shows what is deployed).'
  if (status === 429) return 'The gateway is rate limiting; wait and try again.'
  if (status === 501) return 'The gateway or its provider does not implement this feature.'
  if (status === 502 || status === 503 || status === 504) return 'The gateway or the function behind it is unavailable; check "faas ready" and the gateway logs, then try again.'
  if (status >= 500) return 'The gateway (or its provider) failed; check its logs, then try again.'
  if (status === 400 || status === 422) return 'The gateway rejected the request; check the values given.'
  return undefined
}

/** A body squeezed to one line, so errors stay one line. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat
}

/** The transport error code (ECONNREFUSED, ETIMEDOUT, …) behind a FaasError from the client, if any. */
export function transportCode(error: unknown): string | undefined {
  const cause = (error as {cause?: {code?: string; name?: string}})?.cause
  if (!cause) return undefined
  if (cause.name === 'TimeoutError') return 'ETIMEDOUT'
  return cause.code
}

/** True when the gateway could not be reached at all (further requests would fail the same way). */
export function isUnreachable(error: unknown): boolean {
  const code = transportCode(error)
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH'
}
